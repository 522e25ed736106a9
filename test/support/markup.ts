/**
 * A small well-formedness check for the HTML and SVG the report page writes: every element opened
 * is closed, in order (void HTML elements aside).
 */
const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link', '!doctype'])

/** The elements left open or closed out of order; empty when the markup nests. */
export function unbalancedTags(markup: string): string[] {
  const stack: string[] = []
  const problems: string[] = []
  for (const match of markup.matchAll(/<(\/?)([!a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = match
    const name = (rawName as string).toLowerCase()
    if (VOID.has(name) || selfClosing === '/') continue
    if (closing === '') stack.push(name)
    else if (stack.at(-1) === name) stack.pop()
    else problems.push(`</${name}> closes <${stack.at(-1) ?? 'nothing'}>`)
  }
  return [...problems, ...stack.map((name) => `<${name}> left open`)]
}
