CREATE TABLE "health_evaluation_queue" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"marked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "health_evaluation_queue_workspace_id_account_id_pk" PRIMARY KEY("workspace_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "health_scores" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"scorecard_key" text NOT NULL,
	"scorecard_version" integer NOT NULL,
	"score" numeric(6, 2),
	"band" text,
	"measures" jsonb NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "health_scores_workspace_id_account_id_pk" PRIMARY KEY("workspace_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "health_sentiments" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"author_id" uuid,
	"sentiment" text NOT NULL,
	"comment" text,
	"expires_on" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "health_sentiments_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "health_snapshots" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"day" date NOT NULL,
	"scorecard_key" text NOT NULL,
	"scorecard_version" integer NOT NULL,
	"score" numeric(6, 2),
	"band" text,
	"measures" jsonb NOT NULL,
	CONSTRAINT "health_snapshots_workspace_id_account_id_day_pk" PRIMARY KEY("workspace_id","account_id","day")
);
--> statement-breakpoint
CREATE TABLE "health_sweeps" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"swept_at" timestamp with time zone NOT NULL,
	"accounts" integer NOT NULL,
	"ms" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "health_scores" ADD CONSTRAINT "health_scores_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_scores" ADD CONSTRAINT "health_scores_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_sentiments" ADD CONSTRAINT "health_sentiments_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_sentiments" ADD CONSTRAINT "health_sentiments_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_snapshots" ADD CONSTRAINT "health_snapshots_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_snapshots" ADD CONSTRAINT "health_snapshots_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "health_sweeps" ADD CONSTRAINT "health_sweeps_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "health_evaluation_queue_marked_idx" ON "health_evaluation_queue" USING btree ("marked_at");--> statement-breakpoint
CREATE INDEX "health_scores_band_idx" ON "health_scores" USING btree ("workspace_id","band");--> statement-breakpoint
CREATE INDEX "health_sentiments_account_idx" ON "health_sentiments" USING btree ("workspace_id","account_id","created_at");--> statement-breakpoint
CREATE INDEX "health_snapshots_day_idx" ON "health_snapshots" USING btree ("workspace_id","day");--> statement-breakpoint
-- Health freshness: every write that queues an account for classification (migration 0008's
-- functions) also queues it for its health score. Memberships (segment changes pick the scorecard),
-- milestones, payment failures and sentiments queue health only: classification does not read them,
-- and the classification engine writing memberships must not queue itself again.
CREATE OR REPLACE FUNCTION bosun_queue_accounts_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO account_evaluation_queue (workspace_id, account_id)
    SELECT DISTINCT workspace_id, %I FROM new_rows WHERE %I IS NOT NULL ON CONFLICT DO NOTHING', TG_ARGV[0], TG_ARGV[0]);
  EXECUTE format('INSERT INTO health_evaluation_queue (workspace_id, account_id)
    SELECT DISTINCT workspace_id, %I FROM new_rows WHERE %I IS NOT NULL ON CONFLICT DO NOTHING', TG_ARGV[0], TG_ARGV[0]);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION bosun_queue_accounts_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO account_evaluation_queue (workspace_id, account_id)
    SELECT DISTINCT workspace_id, %I FROM old_rows WHERE %I IS NOT NULL ON CONFLICT DO NOTHING', TG_ARGV[0], TG_ARGV[0]);
  EXECUTE format('INSERT INTO health_evaluation_queue (workspace_id, account_id)
    SELECT DISTINCT workspace_id, %I FROM old_rows WHERE %I IS NOT NULL ON CONFLICT DO NOTHING', TG_ARGV[0], TG_ARGV[0]);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bosun_queue_health_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO health_evaluation_queue (workspace_id, account_id) SELECT DISTINCT workspace_id, account_id FROM new_rows ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bosun_queue_health_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO health_evaluation_queue (workspace_id, account_id) SELECT DISTINCT workspace_id, account_id FROM old_rows ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['account_memberships', 'account_milestones', 'billing_payment_failures', 'health_sentiments'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_health_from_new()', t || '_health_insert', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_health_from_new()', t || '_health_update', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_health_from_old()', t || '_health_delete', t);
  END LOOP;
END $$;
