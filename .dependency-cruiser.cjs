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

/**
 * A rule: modules matching `from` (less `fromNot`) must not import what matches `to` (less `toNot`);
 * `$1` in `toNot` is what `from`'s group matched. `types: false` lets type-only imports through.
 */
function forbid(name, { comment, from, fromNot, to, toNot, types = true }) {
  return {
    name,
    ...(comment ? { comment } : {}),
    severity: 'error',
    from: { path: from, ...(fromNot ? { pathNot: fromNot } : {}) },
    to: { path: to, ...(toNot ? { pathNot: toNot } : {}), ...(types ? {} : { dependencyTypesNot: ['type-only'] }) },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'A cycle makes the modules in it one unit: none can be understood, tested or bundled alone.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    forbid('state-machines-is-pure', {
      comment: 'The model, validator and compiler import nothing else of ours, and no I/O (no fs, network, process, SDK).',
      from: '^state-machines/',
      to: [OURS, '^@aws-sdk/', '^(node:)?(fs|fs/promises|child_process|net|http|https|os|process)$'],
      toNot: '^state-machines/',
    }),
    forbid('core-imports-only-state-machines', {
      comment: 'functions/core is the runtime every function shares: it cannot know stage families, triggers, the API or the hosts.',
      from: '^functions/core/',
      to: OURS,
      toNot: '^(functions/core|state-machines)/',
    }),
    forbid('families-import-no-other-family', {
      comment: 'A stage family is one Lambda: what two families share belongs in functions/core.',
      from: '^functions/stages/([^/]+)/',
      to: '^functions/(stages|triggers|api|engine)/',
      toNot: '^functions/stages/$1/',
    }),
    forbid('triggers-import-no-api-or-engine', {
      comment: 'Triggers start runs; the API builds on them, not the other way round.',
      from: '^functions/triggers/',
      to: '^functions/(api|engine)/',
    }),
    forbid('triggers-import-no-family', {
      comment: 'The webhook callback receiver alone records a callback on a stage of the external family.',
      from: '^functions/triggers/',
      to: '^functions/stages/',
      toNot: '^functions/stages/external/index\\.ts$',
    }),
    forbid('only-the-callback-receiver-imports-a-family', {
      from: '^functions/triggers/',
      fromNot: '^functions/triggers/webhook-callback/',
      to: '^functions/stages/',
    }),
    forbid('notifier-imports-no-family', {
      comment: 'The notifier shares the safe HTTP client and the store through core, never a stage family.',
      from: '^functions/notifier/',
      to: '^functions/(stages|triggers|api|engine)/',
    }),
    forbid('engine-imports-only-core', { from: '^functions/engine/', to: '^functions/(api|stages|triggers)/' }),
    forbid('functions-import-no-host', {
      comment: 'Lambda code never imports the CDK app, local mode, the CLI, the console, tests or benchmarks.',
      from: '^functions/',
      to: '^(infra|local|cli|console|bench|test|docs)/',
    }),
    forbid('hosts-import-no-cli', {
      comment: 'infra and local are used by the CLI, not the other way round.',
      from: '^(infra|local)/',
      to: '^(cli|bench|test|docs)/',
    }),
    forbid('console-page-imports-only-types', {
      comment: 'The page runs in browsers: it may share the API types, never code.',
      from: '^console/src/',
      to: OURS,
      toNot: '^console/src/',
      types: false,
    }),
    forbid('tests-import-no-bench', {
      comment: 'Tests and benchmarks share test/support (harnesses, fixtures, fault injection), never each other.',
      from: '^test/',
      to: '^bench/',
    }),
    forbid('bench-imports-only-test-support', { from: '^bench/', to: '^test/', toNot: '^test/(support|fixtures)/' }),
    forbid('test-support-imports-no-test', {
      comment: 'test/support is what tests and benchmarks build on: it imports no test file.',
      from: '^test/support/',
      to: '^test/',
      toNot: '^test/(support|fixtures)/',
    }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)cdk\\.out/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
