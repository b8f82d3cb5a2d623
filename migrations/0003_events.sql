CREATE TABLE "event_inbox" (
	"workspace_id" uuid NOT NULL,
	"id" bigserial NOT NULL,
	"message_id" text NOT NULL,
	"type" text NOT NULL,
	"event" text,
	"user_id" text,
	"anonymous_id" text,
	"group_id" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"properties" jsonb NOT NULL,
	"context" jsonb NOT NULL,
	"source_key_id" uuid,
	CONSTRAINT "event_inbox_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "event_source_daily" (
	"workspace_id" uuid NOT NULL,
	"source_key_id" uuid NOT NULL,
	"day" date NOT NULL,
	"received" integer DEFAULT 0 NOT NULL,
	"duplicates" integer DEFAULT 0 NOT NULL,
	"future_timestamps" integer DEFAULT 0 NOT NULL,
	"ancient_timestamps" integer DEFAULT 0 NOT NULL,
	"last_received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "event_source_daily_workspace_id_source_key_id_day_pk" PRIMARY KEY("workspace_id","source_key_id","day")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"workspace_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"type" text NOT NULL,
	"event" text,
	"user_id" text,
	"anonymous_id" text,
	"group_id" text,
	"account_id" uuid,
	"occurred_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"properties" jsonb NOT NULL,
	"context" jsonb NOT NULL,
	"source_key_id" uuid,
	CONSTRAINT "events_workspace_id_message_id_pk" PRIMARY KEY("workspace_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "product_users" (
	"workspace_id" uuid NOT NULL,
	"user_id" text NOT NULL,
	"group_id" text,
	"account_id" uuid,
	"contact_id" uuid,
	"email" text,
	"name" text,
	"traits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_seen_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "product_users_workspace_id_user_id_pk" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"day" date NOT NULL,
	"event_count" integer DEFAULT 0 NOT NULL,
	"active_users" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_workspace_id_account_id_day_pk" PRIMARY KEY("workspace_id","account_id","day")
);
--> statement-breakpoint
CREATE TABLE "usage_daily_events" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"day" date NOT NULL,
	"event" text NOT NULL,
	"event_count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_daily_events_workspace_id_account_id_day_event_pk" PRIMARY KEY("workspace_id","account_id","day","event")
);
--> statement-breakpoint
CREATE TABLE "usage_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"key_features" text[] DEFAULT '{}'::text[] NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_user_days" (
	"workspace_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"day" date NOT NULL,
	"user_id" text NOT NULL,
	CONSTRAINT "usage_user_days_workspace_id_account_id_day_user_id_pk" PRIMARY KEY("workspace_id","account_id","day","user_id")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "rate_limit_per_second" integer;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "product_users" ADD CONSTRAINT "product_users_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_settings" ADD CONSTRAINT "usage_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_workspace_account_occurred_idx" ON "events" USING btree ("workspace_id","account_id","occurred_at" DESC NULLS LAST) WHERE "events"."account_id" is not null;--> statement-breakpoint
CREATE INDEX "events_workspace_unmatched_idx" ON "events" USING btree ("workspace_id","user_id") WHERE "events"."account_id" is null;--> statement-breakpoint
CREATE INDEX "product_users_workspace_account_idx" ON "product_users" USING btree ("workspace_id","account_id","last_seen_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "product_users_workspace_group_idx" ON "product_users" USING btree ("workspace_id","group_id");