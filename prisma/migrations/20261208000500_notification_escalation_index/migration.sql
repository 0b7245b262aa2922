-- The escalation sweep (every 30 s) finds each rule's insight deliveries: by rule and event kind,
-- not by reading the whole delivery log.
CREATE INDEX "notification_deliveries_rule_id_event_kind_idx" ON "notification_deliveries"("rule_id", "event_kind");
