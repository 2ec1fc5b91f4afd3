/** Thrown when a template is not a CloudFormation template Converge can read. */
export class TemplateInvalidError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column} ${reason}`);
    this.name = 'TemplateInvalidError';
  }
}

/** Thrown before parsing when a template is larger than CloudFormation accepts at all. */
export class TemplateTooLargeError extends Error {
  constructor(
    readonly file: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `${file}: template is ${bytes} bytes, more than CloudFormation's ${limit}-byte limit for a template in S3; split it into nested stacks`,
    );
    this.name = 'TemplateTooLargeError';
  }
}
