/**
 * The demo catalogue: a few hundred products a Conakry shop sells, with valid EAN-13 barcodes,
 * prices in whole GNF (VAT 18 % included) and opening stock. Deterministic: same seed, same shop.
 */

export type DemoCategory = { code: string; name: string };
export type DemoProduct = {
  /** The shop's own reference: category code and serial number. */
  sku: string;
  barcode: string;
  /** Every code on the packaging, the main one first (some items also carry a carton's code). */
  barcodes: string[];
  name: string;
  categoryCode: string;
  priceMinor: number;
  vatRateBp: number;
  unit: 'piece' | 'kg' | 'l';
  openingStock: number;
  /** What the shop pays (weighted average), in whole GNF: the cloud's only. */
  costMinor: number;
  /** Milli-units at or below which a boutique is running low. */
  lowStockMilli: number;
  /** Sold dearer in the company's second boutique (drinks and baby items there), as a fraction. */
  secondBoutiqueMarkup: number | null;
};

export const DEMO_CATEGORIES: DemoCategory[] = [
  { code: 'EPI', name: 'Épicerie' },
  { code: 'BOI', name: 'Boissons' },
  { code: 'HYG', name: 'Hygiène et beauté' },
  { code: 'ENT', name: 'Entretien' },
  { code: 'BEB', name: 'Bébé' },
  { code: 'ELE', name: 'Électronique et téléphonie' },
];

// Base items, brands and formats combine into realistic references (about 300 in all).
const ITEMS: Array<{ category: string; name: string; formats: Array<[string, number]>; brands: string[]; unit?: DemoProduct['unit'] }> = [
  { category: 'EPI', name: 'Riz parfumé', formats: [['1 kg', 12_000], ['5 kg', 55_000], ['25 kg', 260_000]], brands: ['Belle Rose', 'Mama', 'Oncle Sam'] },
  { category: 'EPI', name: 'Huile végétale', formats: [['1 L', 22_000], ['5 L', 105_000]], brands: ['Dinor', 'Palme d’Or', 'Lesieur'] },
  { category: 'EPI', name: 'Sucre en poudre', formats: [['1 kg', 11_000], ['5 kg', 52_000]], brands: ['Sosuco', 'Saint Louis'] },
  { category: 'EPI', name: 'Lait en poudre', formats: [['400 g', 38_000], ['900 g', 82_000]], brands: ['Nido', 'Laicran', 'Vitalait'] },
  { category: 'EPI', name: 'Concentré de tomate', formats: [['70 g', 2_500], ['400 g', 12_000]], brands: ['Gino', 'Tomato King', 'Pomo'] },
  { category: 'EPI', name: 'Bouillon cube', formats: [['boîte de 60', 15_000], ['boîte de 100', 24_000]], brands: ['Maggi', 'Jumbo', 'Adja'] },
  { category: 'EPI', name: 'Pâtes spaghetti', formats: [['500 g', 6_500], ['1 kg', 12_500]], brands: ['Panzani', 'Pasta Mia'] },
  { category: 'EPI', name: 'Sardines à l’huile', formats: [['125 g', 7_000]], brands: ['Titus', 'Joly', 'Pôle Sud'] },
  { category: 'EPI', name: 'Café soluble', formats: [['50 g', 14_000], ['200 g', 48_000]], brands: ['Nescafé', 'Touba'] },
  { category: 'EPI', name: 'Farine de blé', formats: [['1 kg', 9_000], ['50 kg', 420_000]], brands: ['Grands Moulins', 'Mimi'] },
  { category: 'EPI', name: 'Mayonnaise', formats: [['250 ml', 12_000], ['500 ml', 21_000]], brands: ['Calvé', 'Bama'] },
  { category: 'BOI', name: 'Eau minérale', formats: [['50 cl', 3_000], ['1,5 L', 6_000], ['pack 6 x 1,5 L', 33_000]], brands: ['Coyah', 'Kinda', 'Cristal'] },
  { category: 'BOI', name: 'Jus de bissap', formats: [['33 cl', 5_000], ['1 L', 14_000]], brands: ['Fruity', 'Saveurs de Guinée'] },
  { category: 'BOI', name: 'Boisson gazeuse', formats: [['33 cl', 6_000], ['1,5 L', 15_000]], brands: ['Coca-Cola', 'Fanta', 'Sprite', 'Youki'] },
  { category: 'BOI', name: 'Jus de gingembre', formats: [['50 cl', 7_000]], brands: ['Gingembre Plus', 'Saveurs de Guinée'] },
  { category: 'BOI', name: 'Thé vert', formats: [['boîte de 25', 9_000], ['500 g', 35_000]], brands: ['Lipton', 'Sultan', 'Thé de Chine'] },
  { category: 'BOI', name: 'Boisson énergisante', formats: [['25 cl', 12_000]], brands: ['Red Bull', 'Vody'] },
  { category: 'HYG', name: 'Savon de ménage', formats: [['200 g', 4_000], ['carton de 24', 90_000]], brands: ['Savon Santé', 'Le Chat', 'Azur'] },
  { category: 'HYG', name: 'Dentifrice', formats: [['75 ml', 9_500], ['125 ml', 15_000]], brands: ['Signal', 'Colgate', 'Pepsodent'] },
  { category: 'HYG', name: 'Crème corporelle', formats: [['200 ml', 22_000], ['400 ml', 38_000]], brands: ['Nivea', 'Vaseline', 'Karité Naturel'] },
  { category: 'HYG', name: 'Gel douche', formats: [['250 ml', 18_000]], brands: ['Dove', 'Palmolive', 'Tahiti'] },
  { category: 'HYG', name: 'Déodorant', formats: [['150 ml', 25_000]], brands: ['Rexona', 'Axe', 'Nivea'] },
  { category: 'HYG', name: 'Serviettes hygiéniques', formats: [['paquet de 10', 12_000]], brands: ['Always', 'Kotex'] },
  { category: 'ENT', name: 'Lessive en poudre', formats: [['500 g', 9_000], ['2 kg', 32_000]], brands: ['Omo', 'Madar', 'Ariel'] },
  { category: 'ENT', name: 'Eau de Javel', formats: [['1 L', 8_000], ['5 L', 35_000]], brands: ['La Croix', 'Javel Plus'] },
  { category: 'ENT', name: 'Liquide vaisselle', formats: [['500 ml', 11_000]], brands: ['Mir', 'Paic', 'Sunlight'] },
  { category: 'ENT', name: 'Insecticide', formats: [['300 ml', 28_000]], brands: ['Rambo', 'Baygon', 'Mortein'] },
  { category: 'ENT', name: 'Éponge grattoir', formats: [['lot de 3', 6_000]], brands: ['Spontex', 'Scotch-Brite'] },
  { category: 'BEB', name: 'Couches bébé', formats: [['taille 3 x 30', 85_000], ['taille 4 x 28', 88_000], ['taille 5 x 24', 90_000]], brands: ['Pampers', 'Molfix', 'Softcare'] },
  { category: 'BEB', name: 'Lait infantile', formats: [['1er âge 400 g', 95_000], ['2e âge 400 g', 92_000]], brands: ['Guigoz', 'Nursie', 'Blédilait'] },
  { category: 'BEB', name: 'Lingettes bébé', formats: [['paquet de 72', 19_000]], brands: ['Pampers', 'Softcare'] },
  { category: 'ELE', name: 'Carte de recharge', formats: [['5 000 GNF', 5_000], ['10 000 GNF', 10_000], ['25 000 GNF', 25_000]], brands: ['Orange', 'MTN', 'Cellcom'] },
  { category: 'ELE', name: 'Chargeur USB-C', formats: [['20 W', 45_000]], brands: ['Oraimo', 'Itel', 'Samsung'] },
  { category: 'ELE', name: 'Écouteurs filaires', formats: [['jack 3,5 mm', 30_000]], brands: ['Oraimo', 'Itel'] },
  { category: 'ELE', name: 'Pile alcaline', formats: [['AA x 4', 16_000], ['AAA x 4', 16_000]], brands: ['Duracell', 'Energizer', 'Panasonic'] },
  { category: 'ELE', name: 'Lampe torche rechargeable', formats: [['LED', 55_000]], brands: ['Tiger', 'Jembe'] },
  { category: 'EPI', name: 'Oignons', formats: [['au kilo', 8_000]], brands: ['Local', 'Hollande'], unit: 'kg' },
  { category: 'EPI', name: 'Pommes de terre', formats: [['au kilo', 9_000]], brands: ['Local', 'Import'], unit: 'kg' },
  { category: 'EPI', name: 'Arachides grillées', formats: [['250 g', 6_000], ['1 kg', 22_000]], brands: ['Fouta', 'Kindia'] },
  { category: 'EPI', name: 'Fonio précuit', formats: [['1 kg', 18_000]], brands: ['Fouta', 'Ya Fonio'] },
  { category: 'EPI', name: 'Attiéké', formats: [['500 g', 7_000]], brands: ['Abidjan Délices', 'Mama'] },
  { category: 'EPI', name: 'Biscuits secs', formats: [['paquet 200 g', 6_500], ['boîte 500 g', 15_000]], brands: ['Bisco', 'Lu', 'Choco Plus'] },
  { category: 'EPI', name: 'Chocolat en poudre', formats: [['400 g', 28_000]], brands: ['Ovomaltine', 'Nesquik', 'Choco Plus'] },
  { category: 'EPI', name: 'Sel iodé', formats: [['500 g', 3_000], ['1 kg', 5_000]], brands: ['La Baleine', 'Sel de Boké'] },
  { category: 'EPI', name: 'Vinaigre blanc', formats: [['1 L', 9_000]], brands: ['Amora', 'Bama'] },
  { category: 'EPI', name: 'Margarine', formats: [['250 g', 8_000], ['500 g', 15_000]], brands: ['Blue Band', 'Astra'] },
  { category: 'BOI', name: 'Lait caillé', formats: [['50 cl', 6_000]], brands: ['Fouta Lait', 'Laiterie de Conakry'] },
  { category: 'BOI', name: 'Yaourt sucré', formats: [['125 g', 4_000], ['pack de 4', 15_000]], brands: ['Danone', 'Laiterie de Conakry'] },
  { category: 'HYG', name: 'Shampoing', formats: [['250 ml', 20_000], ['400 ml', 30_000]], brands: ['Head & Shoulders', 'Dark and Lovely', 'Pantene'] },
  { category: 'HYG', name: 'Brosse à dents', formats: [['souple', 5_000], ['lot de 3', 12_000]], brands: ['Signal', 'Colgate'] },
  { category: 'HYG', name: 'Rasoir jetable', formats: [['lot de 5', 14_000]], brands: ['Gillette', 'Bic'] },
  { category: 'HYG', name: 'Papier toilette', formats: [['4 rouleaux', 12_000], ['12 rouleaux', 33_000]], brands: ['Lotus', 'Softis'] },
  { category: 'ENT', name: 'Sacs poubelle', formats: [['30 L x 20', 9_000], ['100 L x 10', 14_000]], brands: ['Handy', 'Sac Pro'] },
  { category: 'ENT', name: 'Allumettes', formats: [['paquet de 10 boîtes', 5_000]], brands: ['Bouclier', 'Tigre'] },
  { category: 'ELE', name: 'Ampoule LED', formats: [['9 W', 15_000], ['15 W', 22_000]], brands: ['Philips', 'Osram', 'Tiger'] },
  { category: 'ELE', name: 'Multiprise', formats: [['4 prises', 48_000]], brands: ['Legrand', 'Tiger'] },
  { category: 'ELE', name: 'Câble USB', formats: [['micro-USB 1 m', 15_000], ['USB-C 1 m', 20_000]], brands: ['Oraimo', 'Itel', 'Anker'] },
];

/** EAN-13 check digit: weights 1 and 3 alternating over the first twelve digits. */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

/** Prices end in 500 or 000, as shops round them. */
function roundPrice(value: number): number {
  return Math.max(500, Math.round(value / 500) * 500);
}

export function demoCatalogue(): DemoProduct[] {
  const products: DemoProduct[] = [];
  let serial = 0;
  for (const item of ITEMS) {
    item.brands.forEach((brand, b) => {
      for (const [format, basePrice] of item.formats) {
        serial++;
        // 611 is not assigned to Guinea by GS1; the demo uses an in-store prefix (200-299) instead.
        const first12 = `2${String(240_000_000_00 + serial * 7).padStart(11, '0')}`;
        const priceMinor = roundPrice(basePrice * (1 + ((b * 7 + serial) % 5) * 0.04));
        const barcode = `${first12}${ean13CheckDigit(first12)}`;
        // One item in seven also has a carton's code (in-store range 29…), scanned at the counter too.
        const carton = `29${String(serial).padStart(10, '0')}`;
        const barcodes = serial % 7 === 0 ? [barcode, `${carton}${ean13CheckDigit(carton)}`] : [barcode];
        products.push({
          sku: `${item.category}-${String(serial).padStart(4, '0')}`,
          barcode,
          barcodes,
          name: `${item.name} ${brand} ${format}`,
          categoryCode: item.category,
          priceMinor,
          vatRateBp: 1800,
          unit: item.unit ?? 'piece',
          openingStock: 5 + ((serial * 37) % 120),
          costMinor: Math.round((priceMinor * (70 + (serial % 11))) / 100),
          lowStockMilli: (item.unit ?? 'piece') === 'piece' ? 10_000 : 5_000,
          secondBoutiqueMarkup: item.category === 'BOI' || item.category === 'BEB' ? 0.1 : null,
        });
      }
    });
  }
  return products;
}
