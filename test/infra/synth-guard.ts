import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GuardStack, type GuardStackProps } from '../../infra/guard-stack.js';

/** A synthesised guard stack for assertions. */
export interface SynthesisedGuard {
  readonly app: App;
  readonly stack: GuardStack;
  readonly template: Template;
  /** Resolves a construct attribute (`topic.topicArn`, …) to the CloudFormation reference the template holds. */
  readonly ref: (value: unknown) => unknown;
}

/** How to synthesise: bundling and CloudFormation schema validation cost time, so each file picks what it needs. */
export interface SynthOptions {
  /** Bundle the function with esbuild (only the asset test needs the real bundle). Default false. */
  readonly bundle?: boolean;
  /**
   * Validate the template against the CloudFormation resource schemas (CDK's built-in plugin),
   * failing the synth on any finding, as cdk.json does for `npm run synth`. Default true.
   */
  readonly validate?: boolean;
  /** Cloud assembly directory. Default: a temporary one. */
  readonly outdir?: string;
}

/** Synthesises one guard stack. */
export const synthGuard = (props: GuardStackProps = {}, options: SynthOptions = {}): SynthesisedGuard => {
  const validate = options.validate ?? true;
  const app = new App({
    ...(options.outdir === undefined ? {} : { outdir: options.outdir }),
    builtinCloudFormationValidation: validate,
    context: {
      ...(options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...(validate ? { '@aws-cdk/core:validateAgainstDefaultRules': true } : {}),
    },
  });
  const stack = new GuardStack(app, 'Guard', props);
  const template = Template.fromStack(stack);
  const resolver: Stack = stack;
  return { app, stack, template, ref: (value) => resolver.resolve(value) };
};

/** The statements of the function role's policy, as synthesised. */
export const roleStatements = (template: Template): unknown[] => {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const [policy] = policies;
  if (policies.length !== 1 || policy === undefined) throw new Error(`expected one IAM policy, found ${policies.length}`);
  return policy.Properties.PolicyDocument.Statement;
};

/** The environment variables the function is deployed with. */
export const functionEnvironment = (template: Template): Record<string, unknown> => {
  const functions = Object.values(template.findResources('AWS::Lambda::Function'));
  const [fn] = functions;
  if (functions.length !== 1 || fn === undefined) throw new Error(`expected one function, found ${functions.length}`);
  return fn.Properties.Environment.Variables;
};
