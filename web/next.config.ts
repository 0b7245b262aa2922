// Next.js configuration of the Threadline portal.
import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // A plant file (NodeSet2 of a line, CSV of a site) reaches the import's server action whole.
  experimental: { serverActions: { bodySizeLimit: '8mb' } },
};

export default config;
