-- Account queues: claims are committed on their own and finished rows kept for a cool-down (see
-- src/server/platform/account-queue.ts). The triggers' ON CONFLICT DO NOTHING now meets the partial
-- unique index of waiting rows, so a change during a recompute queues the account again.
DROP INDEX "health_evaluation_queue_marked_idx";--> statement-breakpoint
DROP INDEX "account_evaluation_queue_marked_idx";--> statement-breakpoint
ALTER TABLE "health_evaluation_queue" DROP CONSTRAINT "health_evaluation_queue_workspace_id_account_id_pk";--> statement-breakpoint
ALTER TABLE "account_evaluation_queue" DROP CONSTRAINT "account_evaluation_queue_workspace_id_account_id_pk";--> statement-breakpoint
ALTER TABLE "health_evaluation_queue" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "health_evaluation_queue" ADD COLUMN "done_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_evaluation_queue" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "account_evaluation_queue" ADD COLUMN "done_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "health_evaluation_queue_waiting_idx" ON "health_evaluation_queue" USING btree ("workspace_id","account_id") WHERE claimed_at IS NULL;--> statement-breakpoint
CREATE INDEX "health_evaluation_queue_account_idx" ON "health_evaluation_queue" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE INDEX "health_evaluation_queue_done_idx" ON "health_evaluation_queue" USING btree ("done_at") WHERE done_at IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "account_evaluation_queue_waiting_idx" ON "account_evaluation_queue" USING btree ("workspace_id","account_id") WHERE claimed_at IS NULL;--> statement-breakpoint
CREATE INDEX "account_evaluation_queue_account_idx" ON "account_evaluation_queue" USING btree ("workspace_id","account_id");--> statement-breakpoint
CREATE INDEX "account_evaluation_queue_done_idx" ON "account_evaluation_queue" USING btree ("done_at") WHERE done_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "health_evaluation_queue_marked_idx" ON "health_evaluation_queue" USING btree ("marked_at") WHERE claimed_at IS NULL;--> statement-breakpoint
CREATE INDEX "account_evaluation_queue_marked_idx" ON "account_evaluation_queue" USING btree ("marked_at") WHERE claimed_at IS NULL;