// dependency-cruiser rules for `npm test` (scripts/check-cycles.mjs runs it). Convention 11: dependencies
// point one way, so any import cycle among src/ and durable-objects/ is an error.
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle: modules that can't be understood, tested or loaded one without the other.",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports count: a type cycle is still two modules that depend on each other's shape.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|test)/" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
