import { AssetHashType, type CfnElement, DockerImage, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  type BehaviorOptions,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import {
  BucketDeployment,
  CacheControl,
  type ISource,
  Source,
  type SourceConfig,
} from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { buildConsole, CONSOLE_DIR } from '../console-build.js';
import { acknowledge } from '../nag.js';
import type { ConsoleSignIn } from './staff-sign-in.js';

export interface StaffConsoleProps {
  /** The HTTP API the console calls on its own origin (so it needs no CORS). */
  readonly api: IHttpApi;
  /** CloudFront path patterns of the staff API (`/me`, `/purchases/*`), passed on to `api`. */
  readonly apiPaths: readonly string[];
  /** Origins the browser reaches to sign in (discovery, keys, token endpoint): the CSP's `connect-src`. */
  readonly signInOrigins: readonly string[];
}

/**
 * The staff console on AWS: its built files in a private bucket, served by CloudFront through
 * origin access control with a strict content security policy, and the staff API under the same
 * origin. `publish` puts the build and its `/config.json` (where to sign in) into the bucket.
 */
export class StaffConsole extends Construct {
  /** `https://<distribution domain>`, without a trailing slash. */
  readonly url: string;
  readonly distribution: Distribution;
  readonly bucket: Bucket;
  /** The policy with the CSP and the other security headers, on every answer of the distribution. */
  readonly responseHeaders: ResponseHeadersPolicy;

  constructor(scope: Construct, id: string, props: StaffConsoleProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // Every build that was ever served stays readable (who changed the console, and back to what).
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.bucket,
      'S1',
      'The bucket holds only the built console, read by CloudFront alone (origin access control) and written by the deployment alone; versioning keeps every build it served, and the staff API calls are logged by the API.',
    );

    this.responseHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Staff console: strict CSP, HSTS, no framing, no sniffing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.signInOrigins),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    const stack = Stack.of(this);
    const staffApi: BehaviorOptions = {
      origin: new HttpOrigin(`${props.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
        protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      }),
      // A POST must not be redirected: plain HTTP is refused on the API's paths.
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // Nothing is cached, so every request (its Authorization header included) reaches the API.
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.responseHeaders,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Staff console of NGO service purchases',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
      },
      additionalBehaviors: Object.fromEntries(props.apiPaths.map((path) => [path, staffApi])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America, Europe and Asia (Hong Kong, Japan, Singapore...), where the bureau's staff are.
      priceClass: PriceClass.PRICE_CLASS_200,
    });
    this.url = `https://${this.distribution.distributionDomainName}`;
    this.acknowledgeDistributionFindings();
  }

  /**
   * Deploys the console's build and its `/config.json` to the bucket: first the hashed files under
   * `assets/` (cached for a year, and never pruned, since an open tab may still load an older
   * chunk), then `index.html` and `config.json`, revalidated on every load and invalidated at the
   * edge. Its deploy-time function gets only what it does: read these sources, write and prune
   * this bucket, invalidate this distribution, write its own log.
   */
  publish(signIn: ConsoleSignIn): void {
    const sources: SourceConfig[] = [];
    const build = recorded(
      Source.asset(CONSOLE_DIR, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          local: {
            tryBundle(outputDir) {
              buildConsole(outputDir);
              return true;
            },
          },
          // Required by the type; never used, because local bundling either succeeds or throws.
          image: DockerImage.fromRegistry('local-bundling-only'),
        },
      }),
      sources,
    );
    const config = recorded(Source.jsonData('config.json', signIn), sources);

    const logGroup = new LogGroup(this, 'DeploymentLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = new Role(this, 'DeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the staff console into its bucket and invalidates its distribution',
    });
    logGroup.grantWrite(role);
    // BucketDeployment would grant read on the whole asset bucket and s3:*Object* wildcards;
    // handed this role without policy updates, it gets the statements below instead.
    const handlerRole = role.withoutPolicyUpdates();
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [build],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.fromString('public, max-age=31536000, immutable')],
      role: handlerRole,
      logGroup,
    });
    const pages = new BucketDeployment(this, 'DeployPages', {
      sources: [build, config],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      role: handlerRole,
      logGroup,
    });
    // index.html names the new assets: they must be there before it is.
    pages.node.addDependency(assets);

    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:GetObject'],
        // Both deployments bind the build: one statement per distinct zip.
        resources: [...new Map(sources.map((s) => [s.zipObjectKey, s])).values()].map((s) =>
          s.bucket.arnForObjects(s.zipObjectKey),
        ),
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['s3:PutObject', 's3:DeleteObject'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    this.distribution.grant(role, 'cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation');
    // The deployments run only once the role may do their work.
    for (const deployment of [assets, pages]) deployment.node.addDependency(role);
    this.acknowledgeDeploymentFindings(role);
  }

  private acknowledgeDistributionFindings(): void {
    acknowledge(
      this.distribution,
      'CFR1',
      'Staff sign in from wherever they work; access is decided by the sign-in (with MFA) and the API authorizer, not by country.',
    );
    acknowledge(
      this.distribution,
      'CFR2',
      'A CloudFront web ACL must be created in us-east-1, outside this regional stack; the files are public static assets and every API path requires a JWT checked by API Gateway.',
    );
    acknowledge(
      this.distribution,
      'CFR3',
      "The staff API calls are logged by the API's own access log (without query strings); CloudFront logs would hold the sign-in redirect's authorization code in its query string.",
    );
    acknowledge(
      this.distribution,
      'CFR4',
      "Served on CloudFront's own *.cloudfront.net name, whose default certificate's TLS policy CloudFront sets; a custom domain with its own certificate is not configured.",
    );
  }

  private acknowledgeDeploymentFindings(role: Role): void {
    const stack = Stack.of(this);
    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      const bucketArn = `<${stack.getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>`;
      acknowledge(
        policy,
        `IAM5[Resource::${bucketArn}/*]`,
        "The deployment writes and prunes the console's files, whose names change with every build; this bucket holds nothing else.",
      );
    }
    // CDK's own deploy-time function (one per stack) that runs the bucket deployments.
    for (const child of stack.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      acknowledge(
        child,
        'L1',
        'CDK fixes the Python runtime of its own bucket-deployment function; it runs only during deployments.',
      );
    }
  }
}

/**
 * The console's content security policy: its own files only, no inline script or style, no
 * framing, no forms; it may fetch only its own origin (config, staff API) and the sign-in origins.
 */
export function contentSecurityPolicy(signInOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...signInOrigins].join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A source that remembers where it put its zip, so the deployment's role may read exactly that. */
function recorded(source: ISource, into: SourceConfig[]): ISource {
  return {
    bind(scope, context) {
      const config = source.bind(scope, context);
      into.push(config);
      return config;
    },
  };
}
