-- Every table the condition language reads marks the accounts it touched for re-classification
-- (segments, tiers, lifecycle stages). Statement-level triggers with transition tables: one insert
-- per statement however many rows it wrote (the event drain upserts thousands of rollup rows).
CREATE FUNCTION bosun_queue_accounts_from_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO account_evaluation_queue (workspace_id, account_id)
    SELECT DISTINCT workspace_id, %I FROM new_rows WHERE %I IS NOT NULL ON CONFLICT DO NOTHING', TG_ARGV[0], TG_ARGV[0]);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bosun_queue_accounts_from_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('INSERT INTO account_evaluation_queue (workspace_id, account_id)
    SELECT DISTINCT workspace_id, %I FROM old_rows WHERE %I IS NOT NULL ON CONFLICT DO NOTHING', TG_ARGV[0], TG_ARGV[0]);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER accounts_queue_insert AFTER INSERT ON accounts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_accounts_from_new('id');
--> statement-breakpoint
CREATE TRIGGER accounts_queue_update AFTER UPDATE ON accounts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_accounts_from_new('id');
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['subscriptions', 'revenue_movements', 'usage_daily', 'tickets', 'contacts', 'touchpoints'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_accounts_from_new(''account_id'')', t || '_queue_insert', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_accounts_from_new(''account_id'')', t || '_queue_update_new', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_accounts_from_old(''account_id'')', t || '_queue_update_old', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bosun_queue_accounts_from_old(''account_id'')', t || '_queue_delete', t);
  END LOOP;
END $$;
