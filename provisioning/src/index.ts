/** @hotline/provisioning — see ../shared DESIGN.md; populated by later issues. */
export const packageName = '@hotline/provisioning';
