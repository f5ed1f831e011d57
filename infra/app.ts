import { App, Validations } from 'aws-cdk-lib';
import { readAppSettings } from './app-context.js';
import { GuardStack } from './guard-stack.js';
import { GuardMemberStack } from './member-stack.js';

// The CDK app behind `npm run synth` and `npm run deploy`; every setting comes from the CDK context
// (CONTEXT_KEYS in app-context.ts). The stack stays environment-agnostic (`cdk deploy` supplies the
// account and Region), so the same template also serves as a plain CloudFormation template.
const app = new App();
const settings = readAppSettings((key) => app.node.tryGetContext(key));

// The organization variant (`-c variant=organization`) is two stacks: the central guard, deployed
// once, and the member template, rolled out to the organization by a StackSet.
const existingTopic = settings.existingTopic === undefined ? {} : { existingTopic: settings.existingTopic };
if (settings.organization === undefined) {
  new GuardStack(app, settings.stackName, {
    description: 'ecr-lambda-guard: checks every Amazon ECR push for AWS Lambda deployability',
    guard: settings.guard,
    ...existingTopic,
  });
} else {
  new GuardStack(app, `${settings.stackName}Central`, {
    description: 'ecr-lambda-guard (central): checks every Amazon ECR push of the organization for AWS Lambda deployability',
    guard: settings.guard,
    organization: settings.organization,
    ...existingTopic,
  });
  new GuardMemberStack(app, `${settings.stackName}Member`, {
    description: 'ecr-lambda-guard (member): forwards ECR pushes to the central guard and lets it read and tag them',
    guard: settings.guard,
  });
}

// A finding the construct does not acknowledge (each with its reason) fails the synth. Loaded only
// when used: cdk-nag pulls in most of aws-cdk-lib, seconds of a synth.
if (settings.nag) {
  const { AwsSolutionsChecks } = await import('cdk-nag');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

app.synth();
