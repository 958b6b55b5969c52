package io.prism.batch.core.source.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prism.batch.api.data.Exchange;
import io.prism.batch.core.internal.CanonicalJson;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generates deterministic AKTools-shaped records (the same columns as the real functions) from a
 * seed, a stock code and a content version. Stateless; thread-safe.
 */
public final class SyntheticData {
  private static final JsonNodeFactory NODES = CanonicalJson.MAPPER.getNodeFactory();
  private static final DateTimeFormatter BASIC = DateTimeFormatter.BASIC_ISO_DATE;
  private static final double[] POW10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

  private static final String[] HEAD = {"华", "中", "新", "东", "金", "天", "海", "国", "长", "恒",
      "瑞", "宏", "永", "安", "泰", "星"};
  private static final String[] MID = {"科", "信", "达", "通", "联", "源", "盛", "光", "润", "晟",
      "拓", "远", "和", "创", "鼎", "川"};
  private static final String[][] KIND = {{"科技", "软件开发"}, {"银行", "银行"}, {"医药", "化学制药"},
      {"电子", "消费电子"}, {"能源", "电力行业"}, {"材料", "化学制品"}, {"证券", "证券Ⅱ"},
      {"食品", "食品饮料"}, {"汽车", "汽车整车"}, {"半导体", "半导体"}, {"酒业", "酿酒行业"},
      {"电气", "电网设备"}};
  private static final String[] SEATS = {"机构专用", "沪股通专用", "深股通专用",
      "东方财富证券股份有限公司拉萨团结路第一证券营业部", "华泰证券股份有限公司总部",
      "中国国际金融股份有限公司上海分公司", "国泰君安证券股份有限公司总部",
      "中信证券股份有限公司上海分公司", "招商证券股份有限公司深圳蛇口工业三路证券营业部",
      "中国银河证券股份有限公司北京中关村大街证券营业部"};
  private static final String[] HOLDERS = {"香港中央结算有限公司", "中国证券金融股份有限公司",
      "中央汇金资产管理有限责任公司", "全国社保基金一一八组合", "基本养老保险基金一六零三二组合",
      "中国工商银行股份有限公司-华泰柏瑞沪深300交易型开放式指数证券投资基金",
      "中国建设银行股份有限公司-易方达沪深300交易型开放式指数发起式证券投资基金",
      "中国人寿保险股份有限公司-传统-普通保险产品", "招商银行股份有限公司-兴全合润混合型证券投资基金"};
  private static final String[][] NOTICES = {{"年度报告", "年度报告全文"},
      {"第一季度报告", "一季度报告全文"}, {"董事会决议公告", "董事会决议公告"},
      {"关于召开年度股东大会的通知", "股东大会通知"}, {"年度股东大会决议公告", "股东大会决议公告"},
      {"权益分派实施公告", "权益分派实施公告"}, {"关于股份回购进展的公告", "股份回购"},
      {"关于控股股东增持股份的公告", "股东增持"}, {"独立董事述职报告", "独立董事述职报告"}};
  private static final String[] LHB_TYPES = {"有价格涨跌幅限制的日收盘价格涨幅偏离值达到7%的前五只证券",
      "有价格涨跌幅限制的日收盘价格跌幅偏离值达到7%的前五只证券",
      "有价格涨跌幅限制的日价格振幅达到15%的前五只证券", "有价格涨跌幅限制的日换手率达到20%的前五只证券"};
  private static final String[][] INDICATORS = {{"常用指标", "归母净利润"}, {"常用指标", "营业总收入"},
      {"常用指标", "营业成本"}, {"常用指标", "净利润"}, {"常用指标", "扣非净利润"},
      {"常用指标", "股东权益合计(净资产)"}, {"常用指标", "经营现金流量净额"}, {"常用指标", "基本每股收益"},
      {"常用指标", "每股净资产"}, {"常用指标", "净资产收益率(ROE)"}, {"常用指标", "毛利率"},
      {"常用指标", "销售净利率"}, {"常用指标", "资产负债率"}, {"成长能力", "营业总收入增长率"},
      {"成长能力", "归属母公司净利润增长率"}, {"财务风险", "流动比率"}, {"财务风险", "速动比率"}};

  private SyntheticData() {}

  /**
   * A stock's name and industry, which do not depend on the content version.
   *
   * @param seed the source's seed
   * @param code the stock
   * @return {name, industry}
   */
  public static String[] identity(long seed, String code) {
    SplittableRandom r = random(seed, code, "identity", 0);
    String[] kind = KIND[r.nextInt(KIND.length)];
    return new String[] {HEAD[r.nextInt(HEAD.length)] + MID[r.nextInt(MID.length)] + kind[0],
        kind[1]};
  }

  /**
   * {@code stock_zh_a_hist} records: {@code days} weekdays ending on or before {@code asOf}.
   *
   * @param seed the seed
   * @param code the stock
   * @param version the content version
   * @param asOf the last date
   * @param days trading days
   * @return the records, oldest first
   */
  public static ArrayNode daily(long seed, String code, long version, LocalDate asOf, int days) {
    SplittableRandom r = random(seed, code, "daily", version);
    List<LocalDate> dates = weekdays(asOf, days);
    double limit = code.startsWith("30") || code.startsWith("68") ? 0.2 : 0.1;
    double prev = 3 + r.nextDouble() * 120;
    double floatShares = shares(seed, code) * 0.8;
    ArrayNode rows = NODES.arrayNode(days);
    for (LocalDate d : dates) {
      double change = Math.max(-limit, Math.min(limit, (r.nextDouble() - 0.5) * 0.06));
      double close = round2(prev * (1 + change));
      double open = round2(prev * (1 + (r.nextDouble() - 0.5) * 0.02));
      double high = round2(Math.max(open, close) * (1 + r.nextDouble() * 0.015));
      double low = round2(Math.min(open, close) * (1 - r.nextDouble() * 0.015));
      long volume = 20_000 + (long) (r.nextDouble() * 2_000_000);
      ObjectNode o = rows.addObject();
      o.put("日期", d + "T00:00:00.000");
      o.put("股票代码", code);
      o.put("开盘", dec(open, 2));
      o.put("收盘", dec(close, 2));
      o.put("最高", dec(high, 2));
      o.put("最低", dec(low, 2));
      o.put("成交量", volume);
      o.put("成交额", dec(volume * 100 * (high + low) / 2, 2));
      o.put("振幅", dec((high - low) / prev * 100, 2));
      o.put("涨跌幅", dec((close - prev) / prev * 100, 2));
      o.put("涨跌额", dec(close - prev, 2));
      o.put("换手率", dec(volume * 100 / floatShares * 100, 2));
      prev = close;
    }
    return rows;
  }

  /**
   * {@code stock_individual_info_em} records.
   *
   * @param seed the seed
   * @param code the stock
   * @param version the content version
   * @param asOf the data date
   * @return item/value records
   */
  public static ArrayNode profile(long seed, String code, long version, LocalDate asOf) {
    SplittableRandom r = random(seed, code, "profile", version);
    String[] id = identity(seed, code);
    double total = shares(seed, code);
    double flt = Math.floor(total * (0.6 + r.nextDouble() * 0.4));
    double last = round2(3 + r.nextDouble() * 120);
    LocalDate listed = LocalDate.of(1991 + r.nextInt(Math.max(1, asOf.getYear() - 1991)),
        1 + r.nextInt(12), 1 + r.nextInt(28));
    ArrayNode rows = NODES.arrayNode();
    item(rows, "最新", dec(last, 2));
    rows.addObject().put("item", "股票代码").put("value", code);
    rows.addObject().put("item", "股票简称").put("value", id[0]);
    item(rows, "总股本", dec(total, 1));
    item(rows, "流通股", dec(flt, 1));
    item(rows, "总市值", dec(total * last, 2));
    item(rows, "流通市值", dec(flt * last, 2));
    rows.addObject().put("item", "行业").put("value", id[1]);
    rows.addObject().put("item", "上市时间").put("value", Integer.parseInt(listed.format(BASIC)));
    return rows;
  }

  /**
   * {@code stock_financial_abstract} records: {@code periods} report periods, newest first,
   * ending with the latest quarter end at least 30 days before {@code asOf}.
   *
   * @param seed the seed
   * @param code the stock
   * @param version the content version
   * @param asOf the data date
   * @param periods report periods
   * @return the records
   */
  public static ArrayNode financial(
      long seed, String code, long version, LocalDate asOf, int periods) {
    SplittableRandom r = random(seed, code, "financial", version);
    List<LocalDate> ends = new ArrayList<>();
    LocalDate q = quarterEndOnOrBefore(asOf.minusDays(30));
    for (int i = 0; i < periods; i++) {
      ends.add(q);
      q = quarterEndOnOrBefore(q.withDayOfMonth(1).minusDays(1));
    }
    double revenue = 1e8 + r.nextDouble() * 5e10;
    double margin = 0.02 + r.nextDouble() * 0.4;
    double equity = revenue * (0.5 + r.nextDouble() * 2);
    double assets = equity * (1.2 + r.nextDouble() * 4);
    double shares = shares(seed, code);
    ArrayNode rows = NODES.arrayNode();
    List<ObjectNode> byIndicator = new ArrayList<>();
    for (String[] ind : INDICATORS) {
      ObjectNode o = rows.addObject();
      o.put("选项", ind[0]);
      o.put("指标", ind[1]);
      byIndicator.add(o);
    }
    for (LocalDate end : ends) {
      double frac = end.getMonthValue() / 12.0;
      double g = 1 + (r.nextDouble() - 0.4) * 0.3;
      double rev = revenue * frac * g;
      double np = rev * margin;
      double[] v = {np, rev, rev * (1 - margin - 0.15), np * 1.02, np * 0.97, equity,
          np * (0.6 + r.nextDouble()), np / shares, equity / shares, np / equity * 100,
          (margin + 0.15) * 100, margin * 100, (1 - equity / assets) * 100,
          (g - 1) * 100, (g - 1) * 100 + (r.nextDouble() - 0.5) * 10, 1 + r.nextDouble() * 2,
          0.8 + r.nextDouble() * 1.5};
      String col = end.format(BASIC);
      for (int i = 0; i < v.length; i++) {
        byIndicator.get(i).put(col, dec(v[i], Math.abs(v[i]) >= 1e6 ? 2 : 6));
      }
    }
    return rows;
  }

  /**
   * {@code stock_individual_notice_report} records: 2 to 8 announcements in the 90 days up to
   * {@code asOf}, newest first.
   *
   * @param seed the seed
   * @param code the stock
   * @param version the content version
   * @param asOf the data date
   * @return the records
   */
  public static ArrayNode announcements(long seed, String code, long version, LocalDate asOf) {
    SplittableRandom r = random(seed, code, "announcements", version);
    String name = identity(seed, code)[0];
    int n = 2 + r.nextInt(7);
    List<LocalDate> dates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      dates.add(asOf.minusDays(r.nextInt(90)));
    }
    dates.sort(null);
    ArrayNode rows = NODES.arrayNode();
    for (int i = n - 1; i >= 0; i--) {
      String[] notice = NOTICES[r.nextInt(NOTICES.length)];
      LocalDate d = dates.get(i);
      ObjectNode o = rows.addObject();
      o.put("代码", code);
      o.put("名称", name);
      o.put("公告标题", name + notice[0]);
      o.put("公告类型", notice[1]);
      o.put("公告日期", d + "T00:00:00.000");
      o.put("网址", "https://data.eastmoney.com/notices/detail/" + code + "/AN"
          + d.format(BASIC) + String.format(Locale.ROOT, "%09d", r.nextInt(1_000_000_000))
          + ".html");
    }
    return rows;
  }

  /**
   * {@code stock_gdfx_top_10_em} records for one report date.
   *
   * @param seed the seed
   * @param code the stock
   * @param version the content version
   * @return ten records
   */
  public static ArrayNode shareholders(long seed, String code, long version) {
    SplittableRandom r = random(seed, code, "shareholders", version);
    String name = identity(seed, code)[0];
    double total = shares(seed, code);
    double pct = 20 + r.nextDouble() * 40;
    ArrayNode rows = NODES.arrayNode();
    for (int i = 0; i < 10; i++) {
      String holder = i == 0 ? name + "控股集团有限公司" : HOLDERS[(i + r.nextInt(3)) % HOLDERS.length];
      long held = (long) (total * pct / 100);
      ObjectNode o = rows.addObject();
      o.put("名次", i + 1);
      o.put("股东名称", holder);
      o.put("股份类型", "流通A股");
      o.put("持股数", held);
      o.put("占总股本持股比例", dec(pct, 2));
      int kind = r.nextInt(4);
      if (kind == 0) {
        o.put("增减", "不变");
        o.putNull("变动比率");
      } else if (kind == 1) {
        o.put("增减", "新进");
        o.putNull("变动比率");
      } else {
        long delta = (long) (held * (r.nextDouble() - 0.5) * 0.4);
        o.put("增减", delta);
        o.put("变动比率", dec(delta * 100.0 / Math.max(1, held - delta), 6));
      }
      pct = pct * (0.3 + r.nextDouble() * 0.5);
    }
    return rows;
  }

  /**
   * {@code stock_lhb_stock_detail_date_em} records: 1 to 3 listing dates within 200 weekdays
   * up to {@code asOf}, newest first.
   *
   * @param seed the seed
   * @param code the stock
   * @param version the content version
   * @param asOf the data date
   * @return the records
   */
  public static ArrayNode listingDates(long seed, String code, long version, LocalDate asOf) {
    SplittableRandom r = random(seed, code, "lhb-dates", version);
    List<LocalDate> all = weekdays(asOf, 200);
    int n = 1 + r.nextInt(3);
    List<LocalDate> picked = new ArrayList<>();
    while (picked.size() < n) {
      LocalDate d = all.get(r.nextInt(all.size()));
      if (!picked.contains(d)) {
        picked.add(d);
      }
    }
    picked.sort(null);
    ArrayNode rows = NODES.arrayNode();
    for (int i = n - 1; i >= 0; i--) {
      rows.addObject().put("序号", n - i).put("股票代码", code)
          .put("交易日", picked.get(i) + "T00:00:00.000");
    }
    return rows;
  }

  /**
   * {@code stock_lhb_stock_detail_em} records for one side on one date.
   *
   * @param seed the seed
   * @param code the stock
   * @param version the content version
   * @param date the trade date
   * @param buy true for 买入, false for 卖出
   * @return five records
   */
  public static ArrayNode seats(long seed, String code, long version, LocalDate date, boolean buy) {
    SplittableRandom r = random(seed, code, "lhb-" + date + (buy ? "-buy" : "-sell"), version);
    Exchange ex = Exchange.of(code);
    String type = LHB_TYPES[random(seed, code, "lhb-type-" + date, version)
        .nextInt(LHB_TYPES.length)];
    double turnover = 2e8 + r.nextDouble() * 5e9;
    List<String> seats = new ArrayList<>();
    for (String s : SEATS) {
      if (!(s.startsWith("沪股通") && ex != Exchange.SH) && !(s.startsWith("深股通") && ex != Exchange.SZ)) {
        seats.add(s);
      }
    }
    List<double[]> amounts = new ArrayList<>();
    List<String> chosen = new ArrayList<>();
    while (chosen.size() < 5) {
      String s = seats.get(r.nextInt(seats.size()));
      if (!chosen.contains(s)) {
        chosen.add(s);
        double main = turnover * (0.004 + r.nextDouble() * 0.03);
        double other = main * r.nextDouble() * 0.3;
        amounts.add(buy ? new double[] {main, other} : new double[] {other, main});
      }
    }
    ArrayNode rows = NODES.arrayNode();
    for (int i = 0; i < 5; i++) {
      double b = round2(amounts.get(i)[0]);
      double s = round2(amounts.get(i)[1]);
      ObjectNode o = rows.addObject();
      o.put("序号", i + 1);
      o.put("交易营业部名称", chosen.get(i));
      o.put("买入金额", dec(b, 2));
      o.put("买入金额-占总成交比例", dec(b / turnover * 100, 6));
      o.put("卖出金额", dec(s, 2));
      o.put("卖出金额-占总成交比例", dec(s / turnover * 100, 6));
      o.put("净额", dec(b - s, 2));
      o.put("类型", type);
    }
    return rows;
  }

  /**
   * Returns the latest quarter end on or before a date.
   *
   * @param d the date
   * @return 03-31, 06-30, 09-30 or 12-31
   */
  public static LocalDate quarterEndOnOrBefore(LocalDate d) {
    int endMonth = ((d.getMonthValue() - 1) / 3) * 3 + 3;
    LocalDate end = LocalDate.of(d.getYear(), endMonth, 1).plusMonths(1).minusDays(1);
    if (end.isAfter(d)) {
      end = LocalDate.of(d.getYear(), endMonth, 1).minusMonths(2).minusDays(1);
    }
    return end;
  }

  private static List<LocalDate> weekdays(LocalDate asOf, int n) {
    List<LocalDate> out = new ArrayList<>(n);
    LocalDate d = asOf;
    while (out.size() < n) {
      if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
        out.add(d);
      }
      d = d.minusDays(1);
    }
    Collections.reverse(out);
    return out;
  }

  private static double shares(long seed, String code) {
    return Math.floor(1e8 + random(seed, code, "shares", 0).nextDouble() * 2e10);
  }

  private static void item(ArrayNode rows, String item, BigDecimal value) {
    rows.addObject().put("item", item).put("value", value);
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private static BigDecimal dec(double v, int scale) {
    double scaled = v * POW10[scale];
    if (Math.abs(scaled) < 1e15) {
      return BigDecimal.valueOf(Math.round(scaled), scale);
    }
    return BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_UP);
  }

  private static SplittableRandom random(long seed, String code, String part, long version) {
    long h = seed;
    h = h * 0x9E3779B97F4A7C15L + code.hashCode();
    h = h * 0x9E3779B97F4A7C15L + part.hashCode();
    h = h * 0x9E3779B97F4A7C15L + version;
    return new SplittableRandom(h);
  }
}
