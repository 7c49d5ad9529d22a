import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import {
  GSI1,
  GSI1_PROJECTED_ATTRIBUTES,
  GSI2,
  LISTING_PROJECTED_ATTRIBUTES,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../shared/adapters/dynamodb/table-design.js';
import { acknowledge } from '../nag.js';
import { TABLE_NAME_OUTPUT } from './outputs.js';

/**
 * Everything that holds records: kept apart from the stateless application so that
 * redeploying or even deleting the application never touches a record.
 */
export interface StatefulStackProps extends StackProps {
  /** Origin of the NGO page (the links' base URL), allowed to POST uploads; any origin when absent. */
  readonly uploadOrigin?: string;
  /** @default 'COMPLIANCE' (settings.documentLockMode) */
  readonly documentLockMode?: 'COMPLIANCE' | 'GOVERNANCE';
}

/**
 * The documents bucket has a name known to both stacks (account and region make it unique),
 * so the application refers to it without a cross-stack export and its IAM resources read as
 * plain ARNs.
 */
export function documentsBucketName(stack: Stack): string {
  return `ngo-purchase-docs-${stack.account}-${stack.region}`;
}

/** Records of public money are kept at least 15 years; nothing a user submitted is deleted. */
const DOCUMENT_RETENTION = Duration.days(15 * 366);

export class StatefulStack extends Stack {
  readonly table: Table;
  readonly documents: Bucket;

  constructor(scope: Construct, id: string, props: StatefulStackProps = {}) {
    super(scope, id, props);

    this.table = new Table(this, 'Records', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Only the daily upload counts carry it: tallies that expire, never a record (table-design.ts).
      timeToLiveAttribute: TTL_ATTRIBUTE,
    });
    new CfnOutput(this, TABLE_NAME_OUTPUT, {
      value: this.table.tableName,
      description: 'The records table (npm run ops reads it)',
    });
    this.table.addGlobalSecondaryIndex({
      indexName: GSI1.indexName,
      partitionKey: { name: GSI1.partitionKey, type: AttributeType.STRING },
      sortKey: { name: GSI1.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...GSI1_PROJECTED_ATTRIBUTES],
    });
    // The purchases list by budget year (table-design.ts). CloudFormation adds one index per update.
    this.table.addGlobalSecondaryIndex({
      indexName: GSI2.indexName,
      partitionKey: { name: GSI2.partitionKey, type: AttributeType.STRING },
      sortKey: { name: GSI2.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...LISTING_PROJECTED_ATTRIBUTES],
    });

    const accessLogs = new Bucket(this, 'DocumentAccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      accessLogs,
      'S1',
      'This bucket receives the access logs of the documents bucket; logging it again would only log the logger.',
    );

    // Contracts and everything NGOs upload: private, encrypted, TLS-only, versioned, and
    // under object lock, so no one (the system included) deletes a record within its retention.
    this.documents = new Bucket(this, 'Documents', {
      bucketName: documentsBucketName(this),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      // Compliance mode: no one can shorten the retention or delete a version within it, the
      // account's root included (governance mode yields to s3:BypassGovernanceRetention).
      objectLockDefaultRetention:
        props.documentLockMode === 'GOVERNANCE'
          ? ObjectLockRetention.governance(DOCUMENT_RETENTION)
          : ObjectLockRetention.compliance(DOCUMENT_RETENTION),
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'documents/',
      // Uploads are announced on EventBridge; the application subscribes from its own stack.
      eventBridgeEnabled: true,
      cors: [
        {
          // Browsers post files straight to the bucket with a presigned POST from the NGO page.
          allowedMethods: [HttpMethods.POST],
          // Only the pages' origin: the public base URL's, else the region's API Gateway domains
          // (the API's own id is only known to the application stack).
          allowedOrigins: [props.uploadOrigin ?? `https://*.execute-api.${this.region}.amazonaws.com`],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
    });

    // CDK turns on EventBridge delivery with its own singleton function (BucketNotificationsHandler).
    const notificationsHandler = this.node.tryFindChild(
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
    );
    const handlerRole = notificationsHandler?.node.tryFindChild('Role');
    if (handlerRole) {
      acknowledge(
        handlerRole,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's own deploy-time function that switches on EventBridge delivery for the bucket; it only writes its logs.",
      );
    }
  }
}
