import { permissionSuite } from './permission-suite';

// The second part of the matrix (see permission-suite.ts), run beside the first.
permissionSuite(1, 2);
