package io.prism.batch.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic Chinese finance sentences of 30–200 characters for embedding benchmarks. */
final class ChineseTexts {
  private static final String[] NAMES = {"贵州茅台", "平安银行", "江苏银行", "芯联集成", "东方财富"};
  private static final String[] PARTS = {
    "{n}公布{y}年第{q}季度报告，营业收入为{a}亿元，同比增长{p}%。",
    "{n}的归属于母公司股东的净利润达到{a}亿元，较上年同期变动{p}%。",
    "截至{y}年末，{n}前十大股东合计持股比例为{p}%，其中机构投资者增持明显。",
    "龙虎榜数据显示，{n}当日机构专用席位净买入{a}万元，换手率为{p}%。",
    "{n}发布公告称，董事会审议通过了利润分配预案，每十股派发现金红利{a}元。",
    "{n}今日收盘价为{a}元，涨跌幅{p}%，成交额较前一交易日明显放大。",
    "分析人士认为，{n}的毛利率维持在{p}%左右，经营现金流保持稳健。",
    "{n}的每股收益为{a}元，净资产收益率为{p}%，资产负债率有所下降。"
  };

  private ChineseTexts() {}

  static List<String> generate(int count, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(count);
    while (out.size() < count) {
      int target = 30 + r.nextInt(171);
      StringBuilder b = new StringBuilder();
      String name = NAMES[r.nextInt(NAMES.length)];
      while (b.length() < target) {
        String s = PARTS[r.nextInt(PARTS.length)]
            .replace("{n}", name)
            .replace("{y}", String.valueOf(2015 + r.nextInt(11)))
            .replace("{q}", String.valueOf(1 + r.nextInt(4)))
            .replace("{a}", String.format(java.util.Locale.ROOT, "%.2f", r.nextDouble() * 1000))
            .replace("{p}", String.format(java.util.Locale.ROOT, "%.1f", r.nextDouble() * 60 - 10));
        b.append(s);
      }
      String text = b.length() > 200 ? b.substring(0, 200) : b.toString();
      out.add(text.length() < 30 ? text + "公司经营情况良好，未见重大风险提示。" : text);
    }
    return out;
  }
}
