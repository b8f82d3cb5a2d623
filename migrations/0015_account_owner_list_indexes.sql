DROP INDEX "accounts_workspace_owner_idx";--> statement-breakpoint
CREATE INDEX "accounts_workspace_owner_arr_idx" ON "accounts" USING btree ("workspace_id","owner_id","arr","id");--> statement-breakpoint
CREATE INDEX "accounts_workspace_owner_renewal_idx" ON "accounts" USING btree ("workspace_id","owner_id",coalesce("renewal_date", '9999-12-31'::date),"id");