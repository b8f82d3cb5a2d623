CREATE TABLE "account_milestones" (
	"workspace_id" uuid NOT NULL,
	"journey_key" text NOT NULL,
	"milestone_key" text NOT NULL,
	"account_id" uuid NOT NULL,
	"anchor_on" date NOT NULL,
	"due_on" date NOT NULL,
	"achieved_on" date,
	"status" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_milestones_workspace_id_journey_key_milestone_key_account_id_pk" PRIMARY KEY("workspace_id","journey_key","milestone_key","account_id")
);
--> statement-breakpoint
ALTER TABLE "account_milestones" ADD CONSTRAINT "account_milestones_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_milestones" ADD CONSTRAINT "account_milestones_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "account_milestones_account_idx" ON "account_milestones" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE INDEX "account_milestones_status_idx" ON "account_milestones" USING btree ("workspace_id","journey_key","milestone_key","status","due_on");