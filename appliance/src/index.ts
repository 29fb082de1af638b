/** @hotline/appliance: the services. Import the part you need through its subpath export. */
export { PbxService } from './pbx/pbx-service.ts';
export { PbxStack } from './pbx/pbx-stack.ts';
