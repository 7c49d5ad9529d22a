/** The kinds of link, each with its own keyring: task links and NGO page links. */
export const LINK_KINDS = ['task', 'ngo'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** The keys of one kind of link by id (shared/links/link-keyring.ts reads, rotates and uses them). */
export interface LinkKeyring {
  /** The id of the key new links are signed with. */
  readonly currentId: string;
  /** Every key that still verifies, the current one included. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

/**
 * The keys of one kind of link (task links, or NGO page links), from Secrets Manager in
 * production, read once and kept for a while per execution environment. Given the key id of a
 * link being checked that it does not hold, it reads the secret again first (a rotation may have
 * added that key since), but not more often than every few seconds.
 */
export type LinkKeyProvider = (keyId?: string) => Promise<LinkKeyring>;

/** Where the keys of each kind of link are kept (Secrets Manager): a rotation reads and rewrites them whole. */
export interface LinkKeyStore {
  read(kind: LinkKind): Promise<string>;
  write(kind: LinkKind, secretString: string): Promise<void>;
}
