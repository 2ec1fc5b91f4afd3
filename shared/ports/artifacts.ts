/** Where templates too large for a TemplateBody (over 51,200 bytes) are uploaded. */
export interface Artifacts {
  /** Stores the body and returns an HTTPS URL CloudFormation accepts as TemplateURL. */
  putTemplate(key: string, body: string): Promise<string>;
}
