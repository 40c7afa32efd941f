// Next.js configuration. The gateway's address is read at request time (GATEWAY_URL,
// PUBLIC_GATEWAY_URL / PUBLIC_GATEWAY_PORT), so one build serves every environment.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Several checkouts may build side by side; keep the build's own worker count small.
  experimental: { cpus: 2 },
};
export default nextConfig;
