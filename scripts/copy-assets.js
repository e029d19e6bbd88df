'use strict';
/**
 * Build step after tsc: puts the network map's browser assets next to the compiled report module
 * (build/report/html/), so the published package renders network-report.html offline without
 * depending on cytoscape at run time: Cytoscape.js (MIT, its licence header kept) and the page script.
 */
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const dest = path.join(root, 'build', 'report', 'html');
fs.mkdirSync(dest, { recursive: true });
fs.copyFileSync(path.join(root, 'lib', 'report', 'html', 'map.js'), path.join(dest, 'map.js'));
fs.copyFileSync(require.resolve('cytoscape/dist/cytoscape.min.js', { paths: [root] }), path.join(dest, 'cytoscape.min.js'));
