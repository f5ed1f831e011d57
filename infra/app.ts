import { App, Validations } from 'aws-cdk-lib';
import { readAppSettings } from './app-context.js';
import { GuardStack } from './guard-stack.js';

// The CDK app behind `npm run synth` and `npm run deploy`; every setting comes from the CDK context
// (CONTEXT_KEYS in app-context.ts). The stack stays environment-agnostic (`cdk deploy` supplies the
// account and Region), so the same template also serves as a plain CloudFormation template.
const app = new App();
const settings = readAppSettings((key) => app.node.tryGetContext(key));

new GuardStack(app, settings.stackName, {
  description: 'ecr-lambda-guard: checks every Amazon ECR push for AWS Lambda deployability',
  guard: settings.guard,
  ...(settings.existingTopic === undefined ? {} : { existingTopic: settings.existingTopic }),
});

// A finding the construct does not acknowledge (each with its reason) fails the synth. Loaded only
// when used: cdk-nag pulls in most of aws-cdk-lib, seconds of a synth.
if (settings.nag) {
  const { AwsSolutionsChecks } = await import('cdk-nag');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

app.synth();
