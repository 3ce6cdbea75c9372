/**
 * GitHub Actions workflow commands (`::error file=...,line=...,title=...::message`), escaped as
 * the runner expects: `%`, `\r` and `\n` in the message become %25, %0D and %0A; in property
 * values `:` and `,` also become %3A and %2C.
 */

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  /** Relative to the workspace, so GitHub can show it on the file. */
  file?: string;
  line?: number;
  column?: number;
  title?: string;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** One workflow command line (no trailing newline). */
export function annotationLine(annotation: Annotation): string {
  const properties: string[] = [];
  if (annotation.file !== undefined) properties.push(`file=${escapeProperty(annotation.file)}`);
  if (annotation.line !== undefined) properties.push(`line=${annotation.line}`);
  if (annotation.column !== undefined) properties.push(`col=${annotation.column}`);
  if (annotation.title !== undefined) properties.push(`title=${escapeProperty(annotation.title)}`);
  return `::${annotation.level}${properties.length > 0 ? ` ${properties.join(",")}` : ""}::${escapeData(annotation.message)}`;
}
