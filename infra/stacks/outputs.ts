/**
 * Stack outputs that other tools read by key (kept free of aws-cdk-lib so readers stay light).
 * The local runtime invokes the function named by RESUME_FUNCTION_OUTPUT once at start-up, as an
 * operator does on AWS after an outage or a redeploy.
 */
export const RESUME_FUNCTION_OUTPUT = 'ResumeOpenPurchasesFunction';

/** The function that mails a new link for a pending task (application stack), for the operator CLI. */
export const RESEND_FUNCTION_OUTPUT = 'ResendTaskLinkFunction';

/** The function that rotates the keys of task or NGO page links (application stack), for the operator CLI. */
export const ROTATE_LINK_KEYS_FUNCTION_OUTPUT = 'RotateLinkKeysFunction';

/** The records table's name (records stack), for the operator CLI. */
export const TABLE_NAME_OUTPUT = 'RecordsTableName';

/** The alias executions start through (application stack), for the operator CLI. */
export const STATE_MACHINE_ALIAS_OUTPUT = 'StateMachineAliasArn';

/** Where staff open the console (application stack): `https://<CloudFront domain>`. */
export const CONSOLE_URL_OUTPUT = 'ConsoleUrl';

/** The Cognito user pool of the staff accounts (application stack), when the stack made one. */
export const STAFF_USER_POOL_OUTPUT = 'StaffUserPoolId';
