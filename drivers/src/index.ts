/** @hotline/drivers — see ../shared DESIGN.md; populated by later issues. */
export const packageName = '@hotline/drivers';
