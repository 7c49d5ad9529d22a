/** The link-signing key (from Secrets Manager in production), read once per execution environment. */
export type LinkKeyProvider = () => Promise<Buffer>;
