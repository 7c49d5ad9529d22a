/** The SDK's generated schemas (shapes named `<Shape>$`), read by the API model checks. */
declare module '@aws-sdk/client-sfn/dist-es/schemas/schemas_0.js' {
  const schemas: Record<string, unknown>;
  export = schemas;
}
