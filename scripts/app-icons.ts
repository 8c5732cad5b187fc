/**
 * The install icons of static/manifest.webmanifest, drawn from static/favicon.svg in headless
 * Chromium: 192 and 512 px (rounded tile), a maskable 512 px (the graph inside the safe zone,
 * the central 80% circle) and a 180 px apple-touch-icon (full square; iOS rounds it).
 *
 *   npx tsx scripts/app-icons.ts
 */
import { chromium } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from './chromium.js';

const staticDir = fileURLToPath(new URL('../static/', import.meta.url));
/** The tile behind the graph: the editor's header colour. */
const TILE = '#ffffff';

interface Icon {
	file: string;
	size: number;
	/** The graph's share of the icon's side. */
	scale: number;
	/** Corner radius of the tile, as a share of the side (0: a full square). */
	radius: number;
}

const ICONS: Icon[] = [
	{ file: 'icon-192.png', size: 192, scale: 0.8, radius: 0.2 },
	{ file: 'icon-512.png', size: 512, scale: 0.8, radius: 0.2 },
	{ file: 'icon-maskable-512.png', size: 512, scale: 0.55, radius: 0 },
	{ file: 'apple-touch-icon.png', size: 180, scale: 0.75, radius: 0 }
];

const svg = await readFile(`${staticDir}favicon.svg`, 'utf8');
const svgUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs() });
try {
	for (const { file, size, scale, radius } of ICONS) {
		const page = await browser.newPage({ viewport: { width: size, height: size } });
		const graph = Math.round(size * scale);
		await page.setContent(
			`<body style="margin:0">
				<div style="width:${size}px;height:${size}px;display:grid;place-items:center;
					background:${TILE};border-radius:${radius * size}px">
					<img src="${svgUrl}" width="${graph}" height="${graph}" alt="">
				</div>
			</body>`
		);
		await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
		await page.screenshot({ path: `${staticDir}${file}`, omitBackground: true });
		await page.close();
		console.log(`static/${file}`);
	}
} finally {
	await browser.close();
}
