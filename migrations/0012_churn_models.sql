CREATE TABLE "churn_models" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"status" text DEFAULT 'training' NOT NULL,
	"trigger" text DEFAULT 'manual' NOT NULL,
	"requested_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"trained_at" timestamp with time zone,
	"as_of" date,
	"horizon_days" integer DEFAULT 90 NOT NULL,
	"kind" text,
	"features" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"candidates" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"rows_train" integer,
	"rows_holdout" integer,
	"positives_train" integer,
	"positives_holdout" integer,
	"train_from" date,
	"train_to" date,
	"holdout_from" date,
	"holdout_to" date,
	"cv_auc" double precision,
	"metrics" jsonb,
	"calibration" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"model" jsonb,
	"accounts_scored" integer,
	"seconds" double precision,
	"error" text,
	CONSTRAINT "churn_models_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "churn_scores" (
	"workspace_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"probability" double precision NOT NULL,
	"drivers" jsonb NOT NULL,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "churn_scores_workspace_id_model_id_account_id_pk" PRIMARY KEY("workspace_id","model_id","account_id")
);
--> statement-breakpoint
ALTER TABLE "churn_models" ADD CONSTRAINT "churn_models_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_workspace_id_model_id_churn_models_workspace_id_id_fk" FOREIGN KEY ("workspace_id","model_id") REFERENCES "public"."churn_models"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "churn_models_created_idx" ON "churn_models" USING btree ("workspace_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "churn_scores_rank_idx" ON "churn_scores" USING btree ("workspace_id","model_id","probability" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "churn_scores_account_idx" ON "churn_scores" USING btree ("workspace_id","account_id");