// The edge agent's Prometheus metrics (`threadline-edge run --metrics-port`): what it has read,
// scored and raised on site, its store-and-forward backlog and losses, whether the link to the core
// is up, and which agent version runs in which mode, read from the agent when scraped.
import { Gauge, Registry } from 'prom-client';
import { EDGE_AGENT_VERSION } from '@threadline/db/models/edge-bundle';
import type { AgentStats } from './agent.ts';

export function agentMetrics(agent: { readonly status: AgentStats }): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: (s: AgentStats) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read(agent.status));
      },
    });
  gauge('threadline_edge_agent_readings', 'Readings read on site since the agent started.', (s) => s.readings);
  gauge('threadline_edge_agent_windows', 'Windows scored on site since the agent started.', (s) => s.windows);
  gauge('threadline_edge_agent_insights', 'Insights raised on site since the agent started.', (s) => s.insights);
  gauge('threadline_edge_agent_backlog', 'Outbox records not yet accepted by the core.', (s) => s.backlog);
  gauge('threadline_edge_agent_dropped', 'Outbox records dropped past the outbox limit.', (s) => s.dropped);
  gauge('threadline_edge_agent_link_up', '1 while the core accepts what the agent forwards.', (s) => (s.linkUp ? 1 : 0));
  new Gauge({
    name: 'threadline_edge_agent_info',
    help: 'The agent version and the mode it scores in (MODEL or FALLBACK).',
    labelNames: ['version', 'mode'],
    registers: [registry],
    collect() {
      this.reset();
      this.set({ version: EDGE_AGENT_VERSION, mode: agent.status.mode }, 1);
    },
  });
  return registry;
}
