/** The fixed region, account and credentials of the local services. */

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';
/** The fixed, fake credentials of the local services: nothing here can reach a real AWS account. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'LOCALACCESSKEY',
  secretAccessKey: 'local-secret-access-key',
} as const;
