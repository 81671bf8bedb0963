/**
 * Which code may import which (`npm run lint`, so `npm test`, fails otherwise). Lower layers never
 * import higher ones, and nothing imports in a cycle:
 *
 *   state-machines  <-  functions/core  <-  functions/{stages/<family>,triggers,engine}  <-  functions/api
 *                   <-  infra, local  <-  cli
 *
 * Stage families import no other family; console/src runs in browsers and imports only types from
 * outside itself; test and bench may import any product code and test/support, not each other.
 * docs/ARCHITECTURE.md ("Direction of dependencies") explains.
 */
const OURS = '^(state-machines|functions|infra|local|cli|console|bench|test|docs)/';

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'A cycle makes the modules in it one unit: none can be understood, tested or bundled alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'state-machines-is-pure',
      comment: 'The model, validator and compiler import nothing else of ours, and no I/O (no fs, network, process, SDK).',
      severity: 'error',
      from: { path: '^state-machines/' },
      to: { path: [`${OURS}`, '^@aws-sdk/', '^(node:)?(fs|fs/promises|child_process|net|http|https|os|process)$'], pathNot: '^state-machines/' },
    },
    {
      name: 'core-imports-only-state-machines',
      comment: 'functions/core is the runtime every function shares: it cannot know stage families, triggers, the API or the hosts.',
      severity: 'error',
      from: { path: '^functions/core/' },
      to: { path: OURS, pathNot: '^(functions/core|state-machines)/' },
    },
    {
      name: 'families-import-no-other-family',
      comment: 'A stage family is one Lambda: what two families share belongs in functions/core.',
      severity: 'error',
      from: { path: '^functions/stages/([^/]+)/' },
      to: { path: '^functions/(stages|triggers|api|engine)/', pathNot: '^functions/stages/$1/' },
    },
    {
      name: 'triggers-import-no-api-or-engine',
      comment: 'Triggers start runs; the API builds on them, not the other way round.',
      severity: 'error',
      from: { path: '^functions/triggers/' },
      to: { path: '^functions/(api|engine)/' },
    },
    {
      name: 'triggers-import-no-family',
      comment: 'The webhook callback receiver alone records a callback on a stage of the external family.',
      severity: 'error',
      from: { path: '^functions/triggers/' },
      to: { path: '^functions/stages/', pathNot: '^functions/stages/external/index\\.ts$' },
    },
    {
      name: 'only-the-callback-receiver-imports-a-family',
      severity: 'error',
      from: { path: '^functions/triggers/', pathNot: '^functions/triggers/webhook-callback/' },
      to: { path: '^functions/stages/' },
    },
    {
      name: 'notifier-imports-no-family',
      comment: 'The notifier shares the safe HTTP client and the store through core, never a stage family.',
      severity: 'error',
      from: { path: '^functions/notifier/' },
      to: { path: '^functions/(stages|triggers|api|engine)/' },
    },
    {
      name: 'engine-imports-only-core',
      severity: 'error',
      from: { path: '^functions/engine/' },
      to: { path: '^functions/(api|stages|triggers)/' },
    },
    {
      name: 'functions-import-no-host',
      comment: 'Lambda code never imports the CDK app, local mode, the CLI, the console, tests or benchmarks.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(infra|local|cli|console|bench|test|docs)/' },
    },
    {
      name: 'hosts-import-no-cli',
      comment: 'infra and local are used by the CLI, not the other way round.',
      severity: 'error',
      from: { path: '^(infra|local)/' },
      to: { path: '^(cli|bench|test|docs)/' },
    },
    {
      name: 'console-page-imports-only-types',
      comment: 'The page runs in browsers: it may share the API types, never code.',
      severity: 'error',
      from: { path: '^console/src/' },
      to: { path: OURS, pathNot: '^console/src/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'tests-import-no-bench',
      comment: 'Tests and benchmarks share test/support (harnesses, fixtures, fault injection), never each other.',
      severity: 'error',
      from: { path: '^test/' },
      to: { path: '^bench/' },
    },
    {
      name: 'bench-imports-only-test-support',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/', pathNot: '^test/(support|fixtures)/' },
    },
    {
      name: 'test-support-imports-no-test',
      comment: 'test/support is what tests and benchmarks build on: it imports no test file.',
      severity: 'error',
      from: { path: '^test/support/' },
      to: { path: '^test/', pathNot: '^test/(support|fixtures)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)cdk\\.out/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
