CREATE TABLE "email_unsubscribes" (
	"workspace_id" uuid NOT NULL,
	"email" text NOT NULL,
	"unsubscribed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_unsubscribes_workspace_id_email_pk" PRIMARY KEY("workspace_id","email")
);
--> statement-breakpoint
CREATE TABLE "outbound_emails" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"account_id" uuid,
	"contact_id" uuid,
	"playbook_key" text,
	"playbook_run_id" uuid,
	"playbook_step_id" text,
	"to_address" text NOT NULL,
	"from_address" text NOT NULL,
	"from_name" text,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"skip_reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"unsubscribe_token" text DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') NOT NULL,
	"message_id" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbound_emails_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "outreach_destinations" (
	"workspace_id" uuid NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"secret" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outreach_destinations_workspace_id_key_pk" PRIMARY KEY("workspace_id","key")
);
--> statement-breakpoint
CREATE TABLE "outreach_smtp_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"secure" boolean DEFAULT false NOT NULL,
	"username" text,
	"password" text,
	"from_address" text NOT NULL,
	"throttle_days" integer DEFAULT 3 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"idempotency_key" text NOT NULL,
	"destination_key" text NOT NULL,
	"kind" text NOT NULL,
	"account_id" uuid,
	"playbook_key" text,
	"playbook_run_id" uuid,
	"playbook_step_id" text,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"response_status" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_deliveries_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "playbook_round_robin" (
	"workspace_id" uuid NOT NULL,
	"playbook_key" text NOT NULL,
	"step_id" text NOT NULL,
	"last_user_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playbook_round_robin_workspace_id_playbook_key_step_id_pk" PRIMARY KEY("workspace_id","playbook_key","step_id")
);
--> statement-breakpoint
CREATE TABLE "playbook_run_steps" (
	"workspace_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"step_id" text NOT NULL,
	"step_type" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"executed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playbook_run_steps_workspace_id_run_id_step_id_pk" PRIMARY KEY("workspace_id","run_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "playbook_runs" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"playbook_key" text NOT NULL,
	"playbook_version" integer NOT NULL,
	"account_id" uuid NOT NULL,
	"occurrence" text NOT NULL,
	"trigger" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"next_step_id" text,
	"wake_at" timestamp with time zone DEFAULT now() NOT NULL,
	"triggered_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"end_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "playbook_runs_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "playbook_states" (
	"workspace_id" uuid NOT NULL,
	"playbook_key" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"scheduled_through" timestamp with time zone,
	"changed_by" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "playbook_states_workspace_id_playbook_key_pk" PRIMARY KEY("workspace_id","playbook_key")
);
--> statement-breakpoint
CREATE TABLE "success_plan_items" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"plan_id" uuid NOT NULL,
	"parent_id" uuid,
	"kind" text NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"owner_id" uuid,
	"customer_owner" text,
	"due_on" date,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "success_plan_items_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "success_plans" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"title" text NOT NULL,
	"template_key" text,
	"template_version" integer,
	"status" text DEFAULT 'active' NOT NULL,
	"owner_id" uuid,
	"share_token_hash" text,
	"shared_at" timestamp with time zone,
	"playbook_run_id" uuid,
	"playbook_step_id" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "success_plans_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "task_comments" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"task_id" uuid NOT NULL,
	"author_id" uuid,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "task_comments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"priority" text DEFAULT 'normal' NOT NULL,
	"due_on" date,
	"owner_id" uuid,
	"created_by" uuid,
	"playbook_key" text,
	"playbook_run_id" uuid,
	"playbook_step_id" text,
	"snoozed_until" date,
	"outcome" text,
	"dismiss_reason" text,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tasks_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
ALTER TABLE "domain_event_cursors" ADD COLUMN "last_tx_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Events written before this migration are all settled: they take tx_id 0 (the cursors' (0, last_id) still
-- points past the ones already read); new rows take their transaction's id.
ALTER TABLE "domain_events" ADD COLUMN "tx_id" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "domain_events" ALTER COLUMN "tx_id" SET DEFAULT (pg_current_xact_id()::text)::bigint;--> statement-breakpoint
ALTER TABLE "email_unsubscribes" ADD CONSTRAINT "email_unsubscribes_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD CONSTRAINT "outbound_emails_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_destinations" ADD CONSTRAINT "outreach_destinations_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outreach_smtp_settings" ADD CONSTRAINT "outreach_smtp_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_round_robin" ADD CONSTRAINT "playbook_round_robin_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_run_steps" ADD CONSTRAINT "playbook_run_steps_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_runs" ADD CONSTRAINT "playbook_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "playbook_states" ADD CONSTRAINT "playbook_states_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "success_plan_items" ADD CONSTRAINT "success_plan_items_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "success_plan_items" ADD CONSTRAINT "success_plan_items_workspace_id_plan_id_success_plans_workspace_id_id_fk" FOREIGN KEY ("workspace_id","plan_id") REFERENCES "public"."success_plans"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "success_plans" ADD CONSTRAINT "success_plans_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "success_plans" ADD CONSTRAINT "success_plans_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_comments" ADD CONSTRAINT "task_comments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "task_comments" ADD CONSTRAINT "task_comments_workspace_id_task_id_tasks_workspace_id_id_fk" FOREIGN KEY ("workspace_id","task_id") REFERENCES "public"."tasks"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_emails_workspace_key" ON "outbound_emails" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "outbound_emails_due_idx" ON "outbound_emails" USING btree ("next_attempt_at") WHERE "outbound_emails"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "outbound_emails_workspace_contact_idx" ON "outbound_emails" USING btree ("workspace_id","contact_id","created_at");--> statement-breakpoint
CREATE INDEX "outbound_emails_workspace_account_idx" ON "outbound_emails" USING btree ("workspace_id","account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbound_emails_unsubscribe_token_key" ON "outbound_emails" USING btree ("unsubscribe_token");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_workspace_key" ON "webhook_deliveries" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE "webhook_deliveries"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "webhook_deliveries_workspace_created_idx" ON "webhook_deliveries" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "playbook_runs_occurrence_key" ON "playbook_runs" USING btree ("workspace_id","playbook_key","playbook_version","account_id","occurrence");--> statement-breakpoint
CREATE INDEX "playbook_runs_due_idx" ON "playbook_runs" USING btree ("wake_at") WHERE "playbook_runs"."status" in ('pending', 'waiting');--> statement-breakpoint
CREATE INDEX "playbook_runs_workspace_playbook_idx" ON "playbook_runs" USING btree ("workspace_id","playbook_key","created_at");--> statement-breakpoint
CREATE INDEX "playbook_runs_workspace_account_idx" ON "playbook_runs" USING btree ("workspace_id","account_id","created_at");--> statement-breakpoint
CREATE INDEX "success_plan_items_workspace_plan_idx" ON "success_plan_items" USING btree ("workspace_id","plan_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "success_plans_workspace_run_step_key" ON "success_plans" USING btree ("workspace_id","playbook_run_id","playbook_step_id") WHERE "success_plans"."playbook_run_id" is not null;--> statement-breakpoint
CREATE INDEX "success_plans_workspace_account_idx" ON "success_plans" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "success_plans_share_token_key" ON "success_plans" USING btree ("share_token_hash") WHERE "success_plans"."share_token_hash" is not null;--> statement-breakpoint
CREATE INDEX "task_comments_workspace_task_idx" ON "task_comments" USING btree ("workspace_id","task_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_workspace_run_step_key" ON "tasks" USING btree ("workspace_id","playbook_run_id","playbook_step_id") WHERE "tasks"."playbook_run_id" is not null;--> statement-breakpoint
CREATE INDEX "tasks_workspace_owner_open_idx" ON "tasks" USING btree ("workspace_id","owner_id","due_on") WHERE "tasks"."status" in ('open', 'in_progress');--> statement-breakpoint
CREATE INDEX "tasks_workspace_account_idx" ON "tasks" USING btree ("workspace_id","account_id","created_at");--> statement-breakpoint
CREATE INDEX "tasks_workspace_playbook_idx" ON "tasks" USING btree ("workspace_id","playbook_key","created_at");--> statement-breakpoint
CREATE INDEX "domain_events_workspace_tx_idx" ON "domain_events" USING btree ("workspace_id","tx_id","id");
--> statement-breakpoint
-- Domain events that playbooks trigger on, written by triggers so that every writer (API, imports, Zendesk,
-- Stripe, the demo) emits them in its own transaction. Statement-level with transition tables: one insert
-- per statement however many rows it wrote.
CREATE FUNCTION bosun_ticket_opened_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO domain_events (workspace_id, type, account_id, payload)
  SELECT workspace_id, 'ticket.opened', account_id,
    jsonb_build_object('ticketId', id, 'subject', subject, 'priority', priority, 'status', status, 'openedAt', opened_at)
  FROM new_rows WHERE status NOT IN ('solved', 'closed');
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tickets_opened_events AFTER INSERT ON tickets REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_ticket_opened_events();
--> statement-breakpoint
CREATE FUNCTION bosun_payment_failed_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO domain_events (workspace_id, type, account_id, payload)
  SELECT workspace_id, 'payment.failed', account_id,
    jsonb_build_object('invoice', stripe_invoice_id, 'amount', amount, 'currency', currency, 'attempt', attempt_count, 'failedAt', failed_at)
  FROM new_rows WHERE resolved_at IS NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER billing_payment_failures_events AFTER INSERT ON billing_payment_failures REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_payment_failed_events();
--> statement-breakpoint
-- account.changed: one event per updated account naming each field whose value changed, from → to
-- (updated_at excluded; traits are compared key by key as `traits.<key>`).
CREATE FUNCTION bosun_account_changed_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO domain_events (workspace_id, type, account_id, payload)
  SELECT n.workspace_id, 'account.changed', n.id, jsonb_build_object('changes', changes.fields)
  FROM new_rows n
  JOIN old_rows o ON o.workspace_id = n.workspace_id AND o.id = n.id
  CROSS JOIN LATERAL (
    SELECT jsonb_object_agg(field, jsonb_build_object('from', before, 'to', after)) AS fields
    FROM (
      SELECT f.key AS field, f.value AS after, to_jsonb(o) -> f.key AS before
      FROM jsonb_each(to_jsonb(n) - 'updated_at' - 'traits') f
      WHERE f.value IS DISTINCT FROM to_jsonb(o) -> f.key
      UNION ALL
      SELECT 'traits.' || k, n.traits -> k, o.traits -> k
      FROM (SELECT jsonb_object_keys(n.traits) UNION SELECT jsonb_object_keys(o.traits)) AS keys(k)
      WHERE n.traits -> k IS DISTINCT FROM o.traits -> k
    ) changed
  ) changes
  WHERE changes.fields IS NOT NULL;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER accounts_changed_events AFTER UPDATE ON accounts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_account_changed_events();
--> statement-breakpoint
-- milestone.late: a milestone that turns late (inserted late, or updated from another status to late).
CREATE FUNCTION bosun_milestone_late_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO domain_events (workspace_id, type, account_id, payload)
    SELECT workspace_id, 'milestone.late', account_id, jsonb_build_object('journey', journey_key, 'milestone', milestone_key, 'dueOn', due_on)
    FROM new_rows WHERE status = 'late';
  ELSE
    INSERT INTO domain_events (workspace_id, type, account_id, payload)
    SELECT n.workspace_id, 'milestone.late', n.account_id, jsonb_build_object('journey', n.journey_key, 'milestone', n.milestone_key, 'dueOn', n.due_on)
    FROM new_rows n JOIN old_rows o USING (workspace_id, journey_key, milestone_key, account_id)
    WHERE n.status = 'late' AND o.status IS DISTINCT FROM 'late';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER account_milestones_late_insert AFTER INSERT ON account_milestones REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_milestone_late_events();
--> statement-breakpoint
CREATE TRIGGER account_milestones_late_update AFTER UPDATE ON account_milestones REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_milestone_late_events();
