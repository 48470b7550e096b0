import { permissionSuite } from './permission-suite';

// Every query, mutation and gated field × every role × every scope relation; the first of two parts.
permissionSuite(0, 2);
