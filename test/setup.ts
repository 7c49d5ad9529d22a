import 'aws-sdk-client-mock-vitest/extend';

// Lambda runs a newer Node.js than this machine; the SDK's warning about Node 20 is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Powertools Logger writes to the global console in its development mode, where the tests' console
// spies read what a function logged (on Lambda it writes each line straight to stdout; a test of
// shared/lambda/log.ts checks that form).
process.env.POWERTOOLS_DEV = 'true';
// ...where Powertools Metrics would otherwise stay silent: the tests read the EMF lines too.
process.env.POWERTOOLS_METRICS_DISABLED = 'false';
