package io.prism.batch.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic Chinese stock and finance texts of 30–200 characters, without upper-case Latin
 * letters, for tests and measurements.
 */
final class FinanceTexts {

  private static final String[] NAMES = {
    "贵州茅台", "平安银行", "招商银行", "宁德时代", "比亚迪", "五粮液", "中国平安", "隆基绿能", "万科", "格力电器",
    "美的集团", "海康威视", "东方财富", "中信证券", "工商银行", "长江电力", "恒瑞医药", "迈瑞医疗", "立讯精密", "紫金矿业"
  };
  private static final String[] CODES = {
    "600519", "000001", "600036", "300750", "002594", "000858", "601318", "601012", "000002",
        "000651",
    "000333", "002415", "300059", "600030", "601398", "600900", "600276", "300760", "002475",
        "601899"
  };
  private static final String[] SECTORS = {
    "白酒", "银行", "新能源", "汽车", "保险", "光伏", "地产", "家电", "安防", "券商", "电力", "医药", "消费电子", "有色金属"
  };
  private static final String[] OPENINGS = {
    "%s（%s）今日收盘价为%.2f元，较前一交易日%s%.2f%%，成交额%.1f亿元。",
    "%s（%s）发布%d年第%d季度报告，营业收入同比增长%.1f%%，归母净利润%.2f亿元。",
    "据最新数据，%s（%s）的市盈率为%.1f倍，市净率为%.2f倍，处于%s行业中游水平。",
    "%s（%s）主力资金今日净流入%.2f亿元，北向资金持股比例升至%.2f%%。",
    "%s（%s）公告称，拟每十股派发现金红利%.1f元，股息率约为%.2f%%。",
  };
  private static final String[] MIDDLES = {
    "分析师认为，%s板块景气度持续回升，龙头公司的市场份额有望进一步提高。",
    "从技术面看，股价站上二十日均线，短期支撑位在%.2f元附近，压力位在%.2f元。",
    "公司毛利率为%.1f%%，净资产收益率为%.1f%%，经营性现金流保持稳健。",
    "近五个交易日累计换手率%.1f%%，融资余额增加%.2f亿元，市场情绪偏向乐观。",
    "机构调研显示，%s行业需求恢复好于预期，上游原材料价格有所回落。",
    "该股近一年最大回撤为%.1f%%，波动率低于同期沪深三百指数。",
  };
  private static final String[] ENDINGS = {
    "投资者应关注后续政策变化与业绩兑现情况。",
    "风险提示：宏观经济下行、行业竞争加剧、原材料价格波动。",
    "以上内容仅供参考，不构成投资建议。",
    "后续需跟踪季度经营数据和估值修复进度。",
    "",
  };

  private FinanceTexts() {}

  /**
   * Generates texts; the same count always gives the same texts.
   *
   * @param count how many
   * @return the texts, each 30–200 characters
   */
  static List<String> generate(int count) {
    SplittableRandom random = new SplittableRandom(20240521L);
    List<String> texts = new ArrayList<>(count);
    while (texts.size() < count) {
      int stock = random.nextInt(NAMES.length);
      StringBuilder sb = new StringBuilder();
      sb.append(opening(random, stock));
      int middles = random.nextInt(3);
      for (int i = 0; i < middles; i++) {
        sb.append(middle(random));
      }
      sb.append(ENDINGS[random.nextInt(ENDINGS.length)]);
      String text = sb.toString();
      if (text.length() > 200) {
        text = text.substring(0, 200);
      }
      if (text.length() >= 30) {
        texts.add(text);
      }
    }
    return texts;
  }

  /**
   * Generates short texts, one opening sentence each (about 30–70 characters); the same count
   * always gives the same texts.
   *
   * @param count how many
   * @return the texts
   */
  static List<String> generateShort(int count) {
    SplittableRandom random = new SplittableRandom(20240607L);
    List<String> texts = new ArrayList<>(count);
    while (texts.size() < count) {
      texts.add(opening(random, random.nextInt(NAMES.length)));
    }
    return texts;
  }

  private static String opening(SplittableRandom r, int stock) {
    String name = NAMES[stock];
    String code = CODES[stock];
    switch (r.nextInt(OPENINGS.length)) {
      case 0:
        return String.format(
            Locale.ROOT,
            OPENINGS[0],
            name,
            code,
            5 + r.nextDouble() * 1800,
            r.nextBoolean() ? "上涨" : "下跌",
            r.nextDouble() * 10,
            r.nextDouble() * 120);
      case 1:
        return String.format(
            Locale.ROOT,
            OPENINGS[1],
            name,
            code,
            2019 + r.nextInt(6),
            1 + r.nextInt(4),
            r.nextDouble() * 60 - 10,
            r.nextDouble() * 500);
      case 2:
        return String.format(
            Locale.ROOT,
            OPENINGS[2],
            name,
            code,
            5 + r.nextDouble() * 60,
            0.5 + r.nextDouble() * 9,
            SECTORS[r.nextInt(SECTORS.length)]);
      case 3:
        return String.format(
            Locale.ROOT, OPENINGS[3], name, code, r.nextDouble() * 20 - 5, r.nextDouble() * 8);
      default:
        return String.format(
            Locale.ROOT, OPENINGS[4], name, code, r.nextDouble() * 300, r.nextDouble() * 6);
    }
  }

  private static String middle(SplittableRandom r) {
    int i = r.nextInt(MIDDLES.length);
    switch (i) {
      case 0:
      case 4:
        return String.format(Locale.ROOT, MIDDLES[i], SECTORS[r.nextInt(SECTORS.length)]);
      case 5:
        return String.format(Locale.ROOT, MIDDLES[i], r.nextDouble() * 50);
      default:
        return String.format(Locale.ROOT, MIDDLES[i], r.nextDouble() * 80, r.nextDouble() * 80);
    }
  }
}
