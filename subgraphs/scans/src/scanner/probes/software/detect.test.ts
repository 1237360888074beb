import { describe, expect, it } from 'vitest';
import type { PageSnapshot } from '../../page.js';
import {
  bannerDisclosures,
  isDisclosingVersion,
  jqueryVersionFromBanner,
  jqueryVersionFromUrl,
  metaGenerators,
  parseGenerator,
  parseProductTokens,
} from './detect.js';

function page(headers: Record<string, string | string[]>, html = ''): PageSnapshot {
  const url = 'https://shop.example/';
  return { requestedUrl: url, response: { url, status: 200, headers, body: Buffer.from(html), truncated: false, hops: [] }, html, inlineScripts: [], assets: [], skipped: [] };
}

describe('parseProductTokens', () => {
  it('splits a Server banner into products, versions and comments', () => {
    expect(parseProductTokens('Apache/2.4.6 (CentOS) OpenSSL/1.0.2k-fips mod_fcgid/2.3.9 PHP/5.4.16')).toEqual({
      tokens: [
        { name: 'Apache', version: '2.4.6' },
        { name: 'OpenSSL', version: '1.0.2k-fips' },
        { name: 'mod_fcgid', version: '2.3.9' },
        { name: 'PHP', version: '5.4.16' },
      ],
      comments: ['CentOS'],
    });
    expect(parseProductTokens('PHP/8.1.2, ASP.NET').tokens).toEqual([
      { name: 'PHP', version: '8.1.2' },
      { name: 'ASP.NET', version: null },
    ]);
  });
});

describe('parseGenerator and metaGenerators', () => {
  it.each([
    ['WordPress 6.4.2', { name: 'WordPress', version: '6.4.2' }],
    ['Drupal 10 (https://www.drupal.org)', { name: 'Drupal', version: '10' }],
    ['Joomla! 1.5 - Open Source Content Management', { name: 'Joomla!', version: '1.5' }],
    ['Joomla! - Open Source Content Management', { name: 'Joomla!', version: null }],
    ['Elementor 3.18.3; features: e_dom_optimization', { name: 'Elementor', version: '3.18.3' }],
  ])('reads %j', (value, expected) => {
    expect(parseGenerator(value)).toEqual(expected);
  });

  it('finds generator tags whatever the attribute order and quoting', () => {
    const html = `<meta name="generator" content="WordPress 6.4.2"><meta content='Hugo 0.111.3' name='generator'><meta name=generator content=Jekyll><meta name="description" content="Shop 1.2.3">`;
    expect(metaGenerators(html)).toEqual(['WordPress 6.4.2', 'Hugo 0.111.3', 'Jekyll']);
  });

  it('counts only dotted versions as disclosing one', () => {
    expect(isDisclosingVersion('2.4')).toBe(true);
    expect(isDisclosingVersion('2')).toBe(false);
    expect(isDisclosingVersion(null)).toBe(false);
  });
});

describe('bannerDisclosures', () => {
  it('groups products by header and marks distribution builds', () => {
    const found = bannerDisclosures(
      page({ Server: 'Apache/2.4.41 (Ubuntu)', 'x-powered-by': 'PHP/7.4.3-4ubuntu2.19', 'X-AspNet-Version': '4.0.30319' }),
    );
    expect(found.map((d) => [d.location, d.products.map((p) => [p.name, p.version, p.productId, p.distribution])])).toEqual([
      ['Server', [['Apache', '2.4.41', 'apache-httpd', 'Ubuntu']]],
      ['X-Powered-By', [['PHP', '7.4.3-4ubuntu2.19', 'php', 'Ubuntu']]],
      ['X-AspNet-Version', [['ASP.NET', '4.0.30319', null, null]]],
    ]);
  });
});

describe('jQuery versions', () => {
  it.each([
    ['/static/jquery-3.4.1.min.js', '3.4.1'],
    ['https://code.jquery.com/jquery-1.12.4.slim.min.js', '1.12.4'],
    ['https://ajax.googleapis.com/ajax/libs/jquery/3.3.1/jquery.min.js', '3.3.1'],
    ['https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js', '3.5.1'],
    ['/wp-includes/js/jquery/jquery.min.js?ver=3.7.1', '3.7.1'],
    ['/wp-content/themes/x/js/jquery.min.js?ver=6.4.2', null],
    ['/js/jquery-ui-1.12.1.min.js', null],
    ['/js/jquery-migrate-3.3.2.min.js', null],
  ])('reads %s as %s', (src, expected) => {
    expect(jqueryVersionFromUrl(src)).toBe(expected);
  });

  it('reads minified and full banners but not jQuery UI or Migrate', () => {
    expect(jqueryVersionFromBanner('/*! jQuery v3.4.1 | (c) JS Foundation */')).toBe('3.4.1');
    expect(jqueryVersionFromBanner('/*!\n * jQuery JavaScript Library v1.12.4\n * http://jquery.com/')).toBe('1.12.4');
    expect(jqueryVersionFromBanner('/*! jQuery UI - v1.12.1 - 2016-09-14')).toBeNull();
    expect(jqueryVersionFromBanner('/*! jQuery Migrate v3.3.2 | (c) OpenJS Foundation */')).toBeNull();
  });
});
