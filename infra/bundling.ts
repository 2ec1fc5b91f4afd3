/**
 * How every function is bundled: one ESM file per handler, minified, with a source map,
 * for Node.js 22 on arm64. The CDK app (`ConvergeFunction`) and the bundle-size bench use
 * these same settings, so the bench measures what is deployed.
 */
export const BUNDLING = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  /** Source maps without embedded sources: smaller bundles, stack traces still map. */
  sourcesContent: false,
  mainFields: ['module', 'main'],
  /** Some CommonJS dependencies call `require`; ESM output has none unless we make one. */
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  /** The Node.js 22 Lambda runtime ships AWS SDK v3; bundling it again only adds cold-start bytes. */
  externalModules: ['@aws-sdk/*'],
} as const;
