/**
 * `npm start`: the cloud API on the embedded database (demo tenant seeded when empty). The POS
 * host joins it here once the desktop app exists.
 */
import '../cloud/api/main.js';
