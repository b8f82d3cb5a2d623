CREATE TABLE "billing_payment_failures" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"stripe_invoice_id" text NOT NULL,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"amount" numeric(14, 2) NOT NULL,
	"currency" text NOT NULL,
	"failed_at" timestamp with time zone NOT NULL,
	"attempt_count" integer DEFAULT 1 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_payment_failures_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "billing_stripe_customers" (
	"workspace_id" uuid NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"account_id" uuid NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_stripe_customers_workspace_id_stripe_customer_id_pk" PRIMARY KEY("workspace_id","stripe_customer_id")
);
--> statement-breakpoint
CREATE TABLE "billing_stripe_events" (
	"workspace_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"stripe_event_id" text NOT NULL,
	"type" text NOT NULL,
	"livemode" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'received' NOT NULL,
	"stripe_customer_id" text,
	"stripe_object_id" text,
	"account_id" uuid,
	"event_created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text,
	"payload" jsonb NOT NULL,
	CONSTRAINT "billing_stripe_events_workspace_id_id_pk" PRIMARY KEY("workspace_id","id")
);
--> statement-breakpoint
CREATE TABLE "billing_stripe_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"signing_secret" text NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_payment_failures" ADD CONSTRAINT "billing_payment_failures_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_payment_failures" ADD CONSTRAINT "billing_payment_failures_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_stripe_customers" ADD CONSTRAINT "billing_stripe_customers_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_stripe_customers" ADD CONSTRAINT "billing_stripe_customers_workspace_id_account_id_accounts_workspace_id_id_fk" FOREIGN KEY ("workspace_id","account_id") REFERENCES "public"."accounts"("workspace_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_stripe_events" ADD CONSTRAINT "billing_stripe_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_stripe_settings" ADD CONSTRAINT "billing_stripe_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_payment_failures_workspace_invoice_key" ON "billing_payment_failures" USING btree ("workspace_id","stripe_invoice_id");--> statement-breakpoint
CREATE INDEX "billing_payment_failures_workspace_account_idx" ON "billing_payment_failures" USING btree ("workspace_id","account_id","failed_at");--> statement-breakpoint
CREATE INDEX "billing_payment_failures_workspace_open_idx" ON "billing_payment_failures" USING btree ("workspace_id","failed_at") WHERE "billing_payment_failures"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "billing_stripe_customers_workspace_account_idx" ON "billing_stripe_customers" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_stripe_events_workspace_event_key" ON "billing_stripe_events" USING btree ("workspace_id","stripe_event_id");--> statement-breakpoint
CREATE INDEX "billing_stripe_events_workspace_received_idx" ON "billing_stripe_events" USING btree ("workspace_id","received_at","id");--> statement-breakpoint
CREATE INDEX "billing_stripe_events_workspace_status_customer_idx" ON "billing_stripe_events" USING btree ("workspace_id","status","stripe_customer_id");--> statement-breakpoint
CREATE INDEX "billing_stripe_events_workspace_object_idx" ON "billing_stripe_events" USING btree ("workspace_id","stripe_object_id","event_created_at");