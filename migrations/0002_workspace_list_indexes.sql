CREATE INDEX "contacts_workspace_name_idx" ON "contacts" USING btree ("workspace_id","name","id");--> statement-breakpoint
CREATE INDEX "contacts_search_trgm_idx" ON "contacts" USING gin ((lower("name" || ' ' || coalesce("email", ''))) gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "subscriptions_workspace_start_idx" ON "subscriptions" USING btree ("workspace_id","start_date","id");--> statement-breakpoint
CREATE INDEX "tickets_workspace_opened_idx" ON "tickets" USING btree ("workspace_id","opened_at","id");--> statement-breakpoint
CREATE INDEX "touchpoints_workspace_at_idx" ON "touchpoints" USING btree ("workspace_id","occurred_at","id");