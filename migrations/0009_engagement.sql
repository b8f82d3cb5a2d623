CREATE TABLE "engagement_round_robin" (
	"workspace_id" uuid NOT NULL,
	"rule" text NOT NULL,
	"last_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "engagement_round_robin_workspace_id_rule_pk" PRIMARY KEY("workspace_id","rule")
);
--> statement-breakpoint
ALTER TABLE "engagement_round_robin" ADD CONSTRAINT "engagement_round_robin_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;