// Starts GOV.UK Frontend components. static/js/ and static/dist/ are siblings
// under STATIC_URL, so this relative import finds the file that
// `npm run build` copies from node_modules.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();
