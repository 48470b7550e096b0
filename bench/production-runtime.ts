// graphql-js reads NODE_ENV once, when it is first loaded, and its development build checks every
// instanceof across realms. Deployments run with NODE_ENV=production (README, Production), so the
// benchmarks measure that code path; the server itself is configured explicitly by each benchmark.
process.env.NODE_ENV = 'production';
