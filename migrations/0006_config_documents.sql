CREATE TABLE "config_documents" (
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"version" integer NOT NULL,
	"status" text NOT NULL,
	"body" jsonb NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"created_by" uuid,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "config_documents_workspace_id_kind_key_version_pk" PRIMARY KEY("workspace_id","kind","key","version")
);
--> statement-breakpoint
ALTER TABLE "config_documents" ADD CONSTRAINT "config_documents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "config_documents_one_draft_key" ON "config_documents" USING btree ("workspace_id","kind","key") WHERE "config_documents"."status" = 'draft';