import 'aws-sdk-client-mock-vitest/extend';

// Lambda runs a newer Node.js than this machine; the SDK's warning about Node 20 is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
