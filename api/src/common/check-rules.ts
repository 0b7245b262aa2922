// What each CHECK constraint of the migrations means, in words a caller can act on.
export const CHECK_RULES: Record<string, string> = {
  wave_scope_items_exactly_one_check: 'a scope item names exactly one of asset, line or site',
  use_cases_scores_check: 'dataReadiness and stakeholderAlignment lie between 0 and 1',
  assets_criticality_check: 'criticality lies between 1 and 5',
  assets_not_own_parent_check: 'an asset cannot be its own parent',
  asset_type_properties_range_check: 'minValue is at most maxValue',
  kpis_window_days_check: 'windowDays lies between 1 and 366',
  cost_items_amount_check: 'amount is not negative',
  cost_items_period_check: 'endsAt is on or after startsAt',
  scaling_waves_period_check: 'plannedEndAt is after plannedStartAt',
  deployments_traffic_share_check: 'trafficShare lies between 0 and 1',
  experiments_traffic_share_check: 'trafficShare lies between 0 and 1',
  experiments_distinct_arms_check: 'champion and challenger are different versions',
  squad_members_allocation_check: 'allocationPct lies between 0 and 100',
  certifications_period_check: 'expiresAt is after issuedAt',
  incidents_downtime_check: 'downtimeMinutes is not negative',
  audit_events_seq_check: 'audit sequence numbers start at 1',
};
