import type * as FastCheck from 'fast-check'

/**
 * fast-check, loaded when `powerflow-etl/testing` is imported if it is installed. It is an optional
 * peer dependency: `runToArray`, `fromEithers` and the marble helpers work without it, and a helper
 * that builds arbitraries says what to install when it is missing.
 */
const loaded: typeof FastCheck | undefined = await import('fast-check').then(
  (module) => module as typeof FastCheck,
  () => undefined,
)

/**
 * fast-check's `fc` for the helpers of `powerflow-etl/testing`; using it without fast-check
 * installed throws an error that says what to install.
 *
 * @internal
 */
export const fc: typeof FastCheck = new Proxy({} as typeof FastCheck, {
  get(_target, key) {
    if (loaded === undefined)
      throw new Error(
        'powerflow-etl/testing: this helper builds fast-check arbitraries, but fast-check is not ' +
          'installed; add it to your dev dependencies: npm install --save-dev fast-check',
      )
    return loaded[key as keyof typeof FastCheck]
  },
})
