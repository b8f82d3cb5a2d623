CREATE TABLE "domain_event_cursors" (
	"workspace_id" uuid NOT NULL,
	"consumer" text NOT NULL,
	"last_id" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "domain_event_cursors_workspace_id_consumer_pk" PRIMARY KEY("workspace_id","consumer")
);
--> statement-breakpoint
CREATE TABLE "domain_events" (
	"workspace_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "domain_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"type" text NOT NULL,
	"account_id" uuid,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "domain_events_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "account_evaluation_queue" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "account_evaluation_queue_workspace_id_account_id_pk" PRIMARY KEY("workspace_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "account_membership_changes" (
	"workspace_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "account_membership_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"account_id" uuid NOT NULL,
	"family" text NOT NULL,
	"group_key" text NOT NULL,
	"change" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text DEFAULT 'rule' NOT NULL,
	"reason" text,
	"actor_id" uuid,
	CONSTRAINT "account_membership_changes_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "account_memberships" (
	"workspace_id" uuid NOT NULL,
	"family" text NOT NULL,
	"account_id" uuid NOT NULL,
	"group_key" text NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source" text DEFAULT 'rule' NOT NULL,
	"computed_key" text,
	CONSTRAINT "account_memberships_workspace_id_family_account_id_group_key_pk" PRIMARY KEY("workspace_id","family","account_id","group_key")
);
--> statement-breakpoint
CREATE TABLE "membership_daily_counts" (
	"workspace_id" uuid NOT NULL,
	"family" text NOT NULL,
	"group_key" text NOT NULL,
	"day" date NOT NULL,
	"accounts" integer NOT NULL,
	"arr" numeric(16, 2) NOT NULL,
	CONSTRAINT "membership_daily_counts_workspace_id_family_group_key_day_pk" PRIMARY KEY("workspace_id","family","group_key","day")
);
--> statement-breakpoint
ALTER TABLE "domain_event_cursors" ADD CONSTRAINT "domain_event_cursors_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "domain_events" ADD CONSTRAINT "domain_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_membership_changes" ADD CONSTRAINT "account_membership_changes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_membership_changes" ADD CONSTRAINT "account_membership_changes_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_memberships" ADD CONSTRAINT "account_memberships_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "account_memberships" ADD CONSTRAINT "account_memberships_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_daily_counts" ADD CONSTRAINT "membership_daily_counts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "domain_events_workspace_account_idx" ON "domain_events" USING btree ("workspace_id","account_id","id");--> statement-breakpoint
CREATE INDEX "domain_events_workspace_type_idx" ON "domain_events" USING btree ("workspace_id","type","id");--> statement-breakpoint
CREATE INDEX "account_evaluation_queue_marked_idx" ON "account_evaluation_queue" USING btree ("marked_at");--> statement-breakpoint
CREATE INDEX "account_membership_changes_account_idx" ON "account_membership_changes" USING btree ("workspace_id","account_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "account_membership_changes_group_idx" ON "account_membership_changes" USING btree ("workspace_id","family","group_key","at");--> statement-breakpoint
CREATE INDEX "account_memberships_group_idx" ON "account_memberships" USING btree ("workspace_id","family","group_key","account_id");--> statement-breakpoint
CREATE INDEX "account_memberships_account_idx" ON "account_memberships" USING btree ("workspace_id","account_id");