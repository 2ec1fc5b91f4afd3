/**
 * CloudFormation's template size quotas (AWS CloudFormation quotas page).
 * A body up to {@link TEMPLATE_BODY_MAX_BYTES} may be sent inline as `TemplateBody`;
 * a larger one must be uploaded to S3 and passed as `TemplateURL`, up to
 * {@link TEMPLATE_URL_MAX_BYTES}.
 */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

/** Largest template CloudFormation accepts from S3 (`TemplateURL`): 1 MB. */
export const TEMPLATE_URL_MAX_BYTES = 1_048_576;
