/**
 * Every test runs with the library's YAML writer in check mode: each object any test synthesizes
 * is also written by cdk8s's own writer and the two texts must be equal (lib/output/yaml.ts).
 * Processes the tests start (the CLI, `cdk8s synth`) inherit it.
 */
process.env.CDK8S_NETWORKING_YAML_WRITER ??= 'check';
